"""`calmdesk demo`: teams, users, locations and 60 conversations, loaded idempotently.

Everything goes through the actions, like real traffic: messages through
`receive` (keyed by stable external ids, so a second run adds nothing),
replies and notes through `do_reply` / `do_add_note`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from calmdesk.actions import (
    do_add_note,
    do_assess_messages,
    do_assign,
    do_create_user,
    do_reply,
    do_set_status,
    receive,
)
from calmdesk.demo.scenarios import LOCATIONS, PASSWORD, SCENARIOS, TEAMS, USERS
from calmdesk.intake.types import Inbound, InboundCustomer
from calmdesk.models import Agent, Conversation, Location, Team

# Feature areas that add to the demo: each module has
# load(agents: dict[str, Agent], now: datetime, summary: DemoSummary) and must be
# idempotent (a second `calmdesk demo` adds nothing).
EXTENSIONS = (
    "calmdesk.demo.escalation",
    "calmdesk.demo.followup",
    "calmdesk.demo.reputation",
    "calmdesk.demo.insights",
)


@dataclass
class DemoSummary:
    conversations_created: int = 0
    conversations_total: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line per feature area

    def text(self) -> str:
        lines = [
            f"Demo data: {self.conversations_created} new conversations "
            f"({self.conversations_total} in the demo).",
            "",
            f"Log in at http://127.0.0.1:8000/login/ with any of these (password: {PASSWORD}):",
        ]
        for username, role, teams in self.users:
            lines.append(f"  {username:<8} {role:<8} {teams}")
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def _setup_org() -> dict[str, Agent]:
    with transaction.atomic():
        for name, slug, tz in TEAMS:
            Team.objects.get_or_create(slug=slug, defaults={"name": name, "timezone": tz})
        teams = {t.slug: t for t in Team.objects.all()}
        for name, slug, team, email, phone in LOCATIONS:
            Location.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "team": teams[team],
                    "contact_email": email,
                    "contact_phone": phone,
                },
            )
    agents = {}
    for username, role, team_slugs, display in USERS:
        agent = Agent.objects.filter(user__username=username).first()
        if agent is None:
            agent = do_create_user(
                username,
                role,
                teams=[teams[s] for s in team_slugs],
                password=PASSWORD,
                email=f"{username}@demo.calmdesk.example",
                display_name=display,
            )
        agents[username] = agent
    return agents


def load_demo() -> DemoSummary:
    agents = _setup_org()
    by_team = {"orders": agents["alex"], "billing": agents["sam"], "stores": agents["jo"]}
    summary = DemoSummary(conversations_total=len(SCENARIOS))
    summary.users = [(u, r, ", ".join(t) or "all teams") for u, r, t, _ in USERS]
    now = timezone.now()
    new_messages: list[int] = []
    for number, scenario in enumerate(SCENARIOS, start=1):
        created = _load_scenario(number, scenario, now, by_team[scenario["team"]], new_messages)
        summary.conversations_created += created
    do_assess_messages(new_messages)
    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.load(agents=agents, now=now, summary=summary)
    return summary


def _load_scenario(number: int, s: dict, now, agent: Agent, new_messages: list[int]) -> bool:
    start = now - timedelta(hours=s["ago"])
    conversation_id = None
    created_any = False
    with transaction.atomic():
        for turn, (direction, text) in enumerate(s["turns"]):
            at = start + timedelta(hours=s["gap"] * turn)
            if direction == "in":
                result = receive(
                    Inbound(
                        channel=s["channel"],
                        body=text,
                        customer=InboundCustomer(**s["customer"]),
                        external_id=f"demo-{number}-{turn}",
                        subject=s.get("subject", ""),
                        sent_at=at,
                        thread_id=f"demo-thread-{number}" if s["channel"] != "email" else "",
                        location=s.get("location", ""),
                        team=s["team"],
                        rating=s.get("rating"),
                        in_reply_to=f"demo-{number}-0" if turn and s["channel"] == "email" else "",
                    ),
                    assess=False,
                )
                conversation_id = result.conversation_id
                if not result.created:
                    return False  # loaded before: the whole scenario is already there
                created_any = True
                new_messages.append(result.message_id)
                continue
            conversation = Conversation.objects.get(pk=conversation_id)
            if direction == "out":
                do_reply(agent, conversation, text, at=at, deliver=False)
            else:
                do_add_note(agent, conversation, text, at=at)
        conversation = Conversation.objects.get(pk=conversation_id)
        worked_on = s.get("status") or any(d == "out" for d, _ in s["turns"])
        if worked_on and conversation.assignee_id is None:
            do_assign(agent, conversation, agent)
        if s.get("status"):
            do_set_status(agent, conversation, s["status"])
    return created_any
