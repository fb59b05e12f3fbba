"""Post-hoc QA: the playbook's coach run over every reply that was sent.

`review_batch` reads a batch of unreviewed replies with their conversations
in a fixed number of queries, rebuilds what the agent saw when they wrote
each one (the messages before it), and coaches it. The action
`do_review_replies` stores the results as ReplyReview rows.
"""

from __future__ import annotations

from collections import defaultdict

from calmdesk.models import Agent, Conversation, Direction, Message, ReplyReview


def _assessment(data):
    if not data:
        return None
    from calmdesk.analysis import Assessment

    try:
        return Assessment.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def review_batch(limit: int = 2000, policy=None) -> list[ReplyReview]:
    """Coach up to `limit` sent replies that have no review yet (oldest first); unsaved rows."""
    from calmdesk.playbook import (
        AgentView,
        ConversationView,
        CustomerView,
        LocationView,
        MessageView,
        coach,
        load_policy,
    )

    replies = list(
        Message.objects.filter(direction=Direction.OUT, review__isnull=True)
        .order_by("id")
        .values("id", "conversation_id", "body", "sent_at", "author_id")[:limit]
    )
    if not replies:
        return []
    policy = policy or load_policy()
    conv_ids = {r["conversation_id"] for r in replies}
    conversations = {
        c.pk: c
        for c in Conversation.objects.filter(pk__in=conv_ids).select_related(
            "customer", "team", "location"
        )
    }
    history: dict[int, list[dict]] = defaultdict(list)
    for m in (
        Message.objects.filter(conversation_id__in=conv_ids)
        .exclude(direction=Direction.NOTE)
        .order_by("conversation_id", "sent_at", "id")
        .values("id", "conversation_id", "direction", "body", "sent_at", "assessment")
    ):
        history[m["conversation_id"]].append(m)
    authors = {
        a.pk: a
        for a in Agent.objects.filter(pk__in={r["author_id"] for r in replies}).select_related(
            "user"
        )
    }
    out = []
    for r in replies:
        c = conversations[r["conversation_id"]]
        before = [m for m in history[c.pk] if (m["sent_at"], m["id"]) < (r["sent_at"], r["id"])]
        view = ConversationView(
            id=c.pk,
            channel=c.channel,
            subject=c.subject,
            customer=CustomerView(name=c.customer.name, vip=c.customer.vip),
            messages=[
                MessageView(
                    direction=m["direction"],
                    body=m["body"],
                    sent_at=m["sent_at"],
                    assessment=_assessment(m["assessment"]),
                )
                for m in before
            ],
            level=c.level,
            difficulty=c.difficulty,
            team_timezone=c.team.timezone,
            team_name=c.team.name,
            location=LocationView(c.location.name, c.location.contact_email)
            if c.location
            else None,
        )
        author = authors.get(r["author_id"])
        agent_view = AgentView(name=author.name, role=author.role) if author else None
        result = coach(r["body"], view, policy, agent_view, now=r["sent_at"])
        out.append(
            ReplyReview(
                message_id=r["id"],
                author_id=r["author_id"],
                score=result.score,
                findings=[f.kind for f in result.findings],
                sent_at=r["sent_at"],
            )
        )
    return out
