"""Plain-data views of a conversation: what the playbook reads.

The desk builds these from its Django models (calmdesk.services.playbook_views);
tests and other callers build them by hand. Nothing here touches a database.
Datetimes should be timezone-aware; naive ones are read as UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from calmdesk.playbook.timefmt import TeamCalendar

if TYPE_CHECKING:  # only the type: the playbook must load without the analysis engine
    from calmdesk.analysis.types import Assessment

Direction = Literal["in", "out", "note"]


@dataclass(frozen=True)
class CustomerView:
    name: str = ""
    email: str = ""
    phone: str = ""
    handle: str = ""
    vip: bool = False
    habitual: bool = False  # the history points to a habitual claimant
    contact_count: int = 1  # contacts about this issue, this one included
    past_compensations: int = 0

    @property
    def first_name(self) -> str:
        parts = self.name.replace(",", " ").split()
        if not parts:
            return ""
        first = parts[0]
        if first.lower().rstrip(".") in {"mr", "mrs", "ms", "miss", "dr", "prof"}:
            return ""  # "Mr Smith": no first name to use
        return first if first[:1].isalpha() and not first.startswith("@") else ""


@dataclass(frozen=True)
class MessageView:
    direction: Direction
    body: str
    sent_at: datetime
    assessment: Assessment | None = None
    author_name: str = ""


@dataclass(frozen=True)
class LocationView:
    name: str
    contact: str = ""  # where to take a public conversation private


@dataclass(frozen=True)
class AgentView:
    name: str
    role: Literal["agent", "lead", "manager", "admin"] = "agent"
    hostile_this_shift: int = 0

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else ""


@dataclass(frozen=True)
class ConversationView:
    id: int | str
    channel: str
    subject: str
    customer: CustomerView
    messages: Sequence[MessageView] = ()
    level: str = "calm"
    difficulty: int = 0
    step_override: str | None = None
    team_timezone: str = "UTC"
    team_name: str = ""
    location: LocationView | None = None
    root_cause: str | None = None
    sla_breached: bool = False
    abuse_warnings: int = 0
    escalation_level: Literal["none", "lead", "manager"] = "none"
    calendar: TeamCalendar | None = None  # the team's hours; default: the policy's

    def inbound(self) -> list[MessageView]:
        return [m for m in self.messages if m.direction == "in"]

    def outbound(self) -> list[MessageView]:
        return [m for m in self.messages if m.direction == "out"]

    def notes(self) -> list[MessageView]:
        return [m for m in self.messages if m.direction == "note"]

    def latest_inbound(self) -> list[MessageView]:
        """The customer's messages since our last reply (all of them if none)."""
        out: list[MessageView] = []
        for m in reversed(self.messages):
            if m.direction == "out":
                break
            if m.direction == "in":
                out.append(m)
        return out[::-1] or self.inbound()[-1:]

    def assessments(self, latest_only: bool = False) -> list[Assessment]:
        msgs = self.latest_inbound() if latest_only else self.inbound()
        return [m.assessment for m in msgs if m.assessment is not None]


@dataclass(frozen=True)
class CommitmentView:
    """A promise made to the customer (issue #6's ledger)."""

    text: str
    due_at: datetime | None = None
    state: Literal["open", "kept", "broken"] = "open"
    owner: str = ""


@dataclass(frozen=True)
class CompensationView:
    kind: str
    amount: float | None = None
    currency: str = "EUR"
    state: Literal["proposed", "offered", "approved", "accepted", "rejected"] = "offered"
    approved_by: str = ""


EMPTY_CONVERSATION = ConversationView(id=0, channel="email", subject="", customer=CustomerView())


def signal_kinds(conversation: ConversationView, latest_only: bool = False) -> set[str]:
    kinds: set[str] = set()
    for a in conversation.assessments(latest_only):
        kinds.update(s.kind for s in a.signals if s.score > 0)
    return kinds


def dominant_emotion(conversation: ConversationView, floor: float = 0.3) -> str | None:
    """The strongest negative emotion in the latest inbound messages, if any."""
    best, best_score = None, floor
    for a in conversation.assessments(latest_only=True):
        for emotion, score in a.emotions.items():
            if emotion != "gratitude" and score >= best_score:
                best, best_score = emotion, score
    return best


__all__ = [
    "AgentView",
    "CommitmentView",
    "CompensationView",
    "ConversationView",
    "CustomerView",
    "LocationView",
    "MessageView",
    "EMPTY_CONVERSATION",
    "dominant_emotion",
    "signal_kinds",
]
