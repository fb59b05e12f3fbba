"""The inbox: the agent's queue, hardest first, with filters and their counts.

The same URL answers htmx's poll (every 10 s) with just the results region,
so new messages appear without a reload. A page past the last shows the last.
"""

from __future__ import annotations

from dataclasses import replace

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from calmdesk.web import queue
from calmdesk.web.auth import agent_required
from calmdesk.web.format import first_line, waiting


@require_safe
@vary_on_headers("HX-Request")
@agent_required
def inbox(request):
    agent = request.agent
    filters = queue.Filters.from_query(request.GET)
    facets, unanswered, total = queue.facets(agent, filters)
    pages = max(1, -(-total // queue.PAGE_SIZE))
    poll_href = request.get_full_path()
    if filters.page > pages:  # past the last page (or none): show the last
        filters = replace(filters, page=pages)
        poll_href = request.path + filters.page_query(pages)
    conversations, total = queue.rows(agent, filters, total)
    now = timezone.now()
    for c in conversations:
        c.waiting = waiting(c, now)
        c.summary = c.subject or first_line(c.first_line)
    context = {
        "agent": agent,
        "filters": filters,
        "conversations": conversations,
        "total": total,
        "facets": facets,
        "unanswered": unanswered,
        "unanswered_href": filters.query(unanswered=not filters.unanswered),
        "clear_search_href": filters.query(q=""),
        "page": filters.page,
        "pages": pages,
        "prev_href": filters.page_query(filters.page - 1) if filters.page > 1 else "",
        "next_href": filters.page_query(filters.page + 1) if filters.page < pages else "",
        "poll_href": poll_href,
        "nav": "inbox",
    }
    if request.htmx:
        return render(request, "calmdesk/inbox/_results.html", context)
    return render(request, "calmdesk/inbox/inbox.html", context)
