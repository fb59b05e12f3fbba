"""What a template can say about one conversation: names, issue, times.

`draft_context` gathers every placeholder value once (the customer's first
name, their issue turned round, the SLA due time in words...) and `render`
fills a policy template with it. Drafts, the step tracker and the coach's
suggestions all use it, so they say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from calmdesk.playbook.policy import Policy
from calmdesk.playbook.text import Issue, conversation_issue, root_cause
from calmdesk.playbook.timefmt import (
    DAY_KEYS,
    TeamCalendar,
    add_business_days,
    add_business_minutes,
    aware,
    say_day,
    say_due,
)
from calmdesk.playbook.views import AgentView, ConversationView


def calendar_for(conversation: ConversationView, policy: Policy) -> TeamCalendar:
    """The team's calendar if the desk gave one, else the policy's hours in the team's zone."""
    if conversation.calendar is not None:
        return conversation.calendar
    hours = policy.sla.business_hours
    return TeamCalendar(
        timezone=conversation.team_timezone or "UTC",
        days=frozenset(DAY_KEYS.index(d) for d in hours.days),
        open=time.fromisoformat(hours.open),
        close=time.fromisoformat(hours.close),
        holidays=frozenset(hours.holidays),
    )


@dataclass(frozen=True)
class DraftContext:
    channel: str
    level: str
    tone: str
    public: bool
    first_name: str
    agent_name: str
    issue: Issue | None
    root_cause: str
    topic: str
    apology: str
    now: datetime
    due: datetime
    time: str
    follow_up_day: str
    contact: str
    team: str
    boundary: str
    calendar: TeamCalendar

    def values(self) -> dict[str, str]:
        return {
            "first_name": self.first_name or "there",
            "agent_name": self.agent_name,
            "issue": self.issue.restated
            if self.issue
            else "something has not gone the way it should",
            "topic": self.topic,
            "apology": self.apology,
            "time": self.time,
            "follow_up_day": self.follow_up_day,
            "contact": self.contact,
            "team": self.team,
            "boundary": self.boundary,
            "label": "",
            "explain": "",
        }


def draft_context(
    conversation: ConversationView,
    policy: Policy,
    agent: AgentView | None = None,
    now: datetime | None = None,
) -> DraftContext:
    now = aware(now or datetime.now(UTC))
    cal = calendar_for(conversation, policy)
    public = policy.is_public(conversation.channel)
    target = policy.sla_target(conversation.channel, conversation.level)
    due = add_business_minutes(now, target.resolution, cal)
    follow = add_business_days(due, policy.follow_up.after_resolution_business_days, cal)
    follow_word = say_day(follow, now, cal)
    if follow_word in ("today", "tomorrow"):
        follow_word = follow.strftime("%A")
    inbound_text = "\n".join(m.body for m in conversation.inbound())
    cause = conversation.root_cause or root_cause(inbound_text, policy)
    info = policy.root_causes.get(cause) or policy.root_causes["other"]  # type: ignore[call-overload]
    agent_name = (agent.first_name if public else agent.name) if agent else ""
    location = conversation.location
    return DraftContext(
        channel=conversation.channel,
        level=conversation.level,
        tone=policy.tone_for(conversation.level),
        public=public,
        first_name=conversation.customer.first_name,
        agent_name=agent_name,
        issue=conversation_issue(conversation),
        root_cause=cause,
        topic=info.phrase,
        apology=policy.coaching.apology.preferred,
        now=now,
        due=due,
        time=say_due(due, now, cal),
        follow_up_day=follow_word,
        contact=(
            location.contact
            if location and location.contact
            else policy.public_reply.default_contact
        ),
        team=conversation.team_name,
        boundary=policy.boundary.message,
        calendar=cal,
    )


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, ctx: DraftContext, **extra: str) -> str:
    """Fill a policy template; the first letter of a sentence stays upper case."""
    text = template.format_map(_Values({**ctx.values(), **extra}))
    return text[:1].upper() + text[1:] if text else text
