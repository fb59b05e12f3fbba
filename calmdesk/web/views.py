from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from calmdesk.access import agent_for, visible_conversations


@login_required
def inbox(request):
    agent = agent_for(request.user)
    if agent is None:
        raise Http404("No agent profile for this user.")
    conversations = (
        visible_conversations(agent)
        .select_related("customer", "assignee__user")
        .order_by("-difficulty", "last_inbound_at")[:50]
    )
    return render(request, "calmdesk/inbox.html", {"conversations": conversations, "agent": agent})
