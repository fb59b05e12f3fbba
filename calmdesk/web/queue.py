"""The inbox queue: filters from the query string, priority order, counts per filter.

Read-only. Everything starts from `access.visible_conversations`, so a filter
can narrow what an agent sees but never widen it. The number of queries is
fixed (it does not grow with the number of rows): a test holds it there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.utils import timezone

from calmdesk.access import visible_conversations
from calmdesk.models import (
    Agent,
    Channel,
    Conversation,
    Direction,
    Identity,
    Level,
    Location,
    Message,
    Status,
    Team,
)
from calmdesk.models.choices import LEVEL_RANK, LEVEL_RANK_EXPR
from calmdesk.playbook.sla import time_left

PAGE_SIZE = 50
MAX_PAGE = 100_000
ALL = "all"  # status=all: every status (the default is open)
FACETS = ("status", "channel", "level", "team", "assignee", "location")

# Hardest first: level; within a level, raised priority (SLA at risk or
# breached, a broken promise: issue 6), then difficulty, then who has waited
# longest. Conversation.Meta has the matching index (conv_queue_order).
PRIORITY = (
    F("level_rank").desc(),
    F("priority").desc(),
    F("difficulty").desc(),
    F("last_inbound_at").asc(nulls_last=True),
    F("id").asc(),
)


@dataclass(frozen=True)
class Filters:
    """What the agent asked for; unknown values are dropped, never trusted."""

    status: str = Status.OPEN
    channel: str = ""
    level: str = ""
    team: str = ""  # team slug
    assignee: str = ""  # "me", "none" or an agent id
    location: str = ""  # location id
    unanswered: bool = False
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params) -> Filters:
        def pick(name: str, allowed) -> str:
            value = params.get(name, "")
            return value if value in allowed else ""

        status = params.get("status", Status.OPEN)
        if status not in (*Status.values, ALL):
            status = Status.OPEN
        assignee = params.get("assignee", "")
        if assignee not in ("me", "none") and not assignee.isdecimal():
            assignee = ""
        location = params.get("location", "")
        page = params.get("page", "1")
        return cls(
            status=status,
            channel=pick("channel", Channel.values),
            level=pick("level", Level.values),
            team=params.get("team", "")[:100],
            assignee=assignee[:12],
            location=location[:12] if location.isdecimal() else "",
            unanswered=params.get("unanswered", "") == "1",
            q=" ".join(params.get("q", "").split())[:200],
            page=_page_number(page),
        )

    def query(self, **changes) -> str:
        """The query string for these filters with `changes` applied (back to page 1)."""
        changes.setdefault("page", 1)
        f = replace(self, **changes)
        params = {k: getattr(f, k) for k in (*FACETS, "q") if getattr(f, k)}
        if f.status == Status.OPEN:
            params.pop("status")
        if f.unanswered:
            params["unanswered"] = "1"
        if f.page > 1:
            params["page"] = f.page
        return "?" + urlencode(params) if params else "?"

    def page_query(self, page: int) -> str:
        return self.query(page=page)


def _page_number(text: str) -> int:
    """The page asked for, 1 when it is not a number; the view clamps it to the last page."""
    if not text.isdecimal():
        return 1
    if len(text) > 6:  # far past any last page (and int() of a huge string is refused)
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def _apply(qs: QuerySet, f: Filters, agent: Agent, skip: str = "") -> QuerySet:
    """Narrow `qs` by every filter except `skip` (the facet being counted)."""
    if skip != "status" and f.status != ALL:
        qs = qs.filter(status=f.status)
    if skip != "channel" and f.channel:
        qs = qs.filter(channel=f.channel)
    if skip != "level" and f.level:
        qs = qs.filter(level=f.level)
    if skip != "team" and f.team:
        qs = qs.filter(team__slug=f.team)
    if skip != "assignee" and f.assignee:
        if f.assignee == "me":
            qs = qs.filter(assignee=agent)
        elif f.assignee == "none":
            qs = qs.filter(assignee__isnull=True)
        else:
            qs = qs.filter(assignee_id=int(f.assignee))
    if skip != "location" and f.location:
        qs = qs.filter(location_id=int(f.location))
    if skip != "unanswered" and f.unanswered:
        qs = qs.filter(awaiting_reply=True)
    if f.q:
        qs = qs.filter(_search(f.q))
    return qs


def _search(q: str) -> Q:
    """Customer name, any of their identities, the subject, or any message's text."""
    identity = Identity.objects.filter(customer=OuterRef("customer_id"), value__icontains=q)
    text = Message.objects.filter(conversation=OuterRef("pk"), body__icontains=q)
    return (
        Q(customer__name__icontains=q) | Q(subject__icontains=q) | Exists(identity) | Exists(text)
    )


def first_line_subquery():
    first = Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.IN)
    return Substr(Subquery(first.order_by("sent_at", "id").values("body")[:1]), 1, 160)


def rows(agent: Agent, f: Filters, total: int | None = None) -> tuple[list[Conversation], int]:
    """One page of the queue, hardest first, and the total count.

    `total` may pass the count when the caller already has it (facets()
    counts the same rows), which saves a COUNT over the whole queue.
    """
    qs = _apply(visible_conversations(agent), f, agent)
    if total is None:
        total = qs.count()
    start = (f.page - 1) * PAGE_SIZE
    page = list(
        qs.select_related("customer", "assignee__user", "team", "location")
        .annotate(level_rank=LEVEL_RANK_EXPR, first_line=first_line_subquery())
        .order_by(*PRIORITY)[start : start + PAGE_SIZE]
    )
    now = timezone.now()
    for c in page:
        c.sla_left = time_left(c.sla_due_at, now)  # issue 6: the SLA's time left
    return page, total


@dataclass
class Option:
    value: str
    label: str
    count: int
    href: str
    active: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option] = field(default_factory=list)


# facet name -> the column its counts are grouped by
FACET_COLUMNS = {
    "status": "status",
    "channel": "channel",
    "level": "level",
    "team": "team_id",
    "assignee": "assignee_id",
    "location": "location_id",
}


def _key(value: object) -> str:
    return "none" if value is None else str(value)


class _Counter:
    """The counts behind every facet, with as few queries as the filters allow.

    A facet's counts come from the queue narrowed by every *other* filter. For
    each facet whose own filter is not set, that is the queue narrowed by all
    filters: one statement counts all of them (and the unanswered ones), as
    GROUP BYs over one common table expression, so the database reads the
    matching rows once and returns only the small totals. A facet whose own
    filter is set needs a query of its own.
    """

    def __init__(self, agent: Agent, f: Filters) -> None:
        self.agent, self.f = agent, f
        self._shared: dict[str, dict[str, int]] | None = None

    def _active(self, facet: str) -> bool:
        if facet == "status":
            return self.f.status != ALL
        if facet == "unanswered":
            return bool(self.f.unanswered)
        return bool(getattr(self.f, facet))

    def shared(self) -> dict[str, dict[str, int]]:
        """facet -> value -> count, for every facet whose filter is not set (and unanswered)."""
        if self._shared is None:
            columns = {k: c for k, c in FACET_COLUMNS.items() if not self._active(k)}
            columns["unanswered"] = "awaiting_reply"
            qs = _apply(visible_conversations(self.agent), self.f, self.agent).order_by()
            sql, params = qs.values(*dict.fromkeys(columns.values())).query.sql_with_params()
            quote = connection.ops.quote_name
            # Only column names of ours (FACET_COLUMNS) are spliced in, quoted;
            # the filter values stay parameters (in `params`, and the facet names too).
            parts = [
                f"SELECT %s, CAST({quote(c)} AS TEXT), COUNT(*) FROM facet_rows GROUP BY {quote(c)}"  # noqa: S608
                for c in columns.values()
            ]
            statement = f"WITH facet_rows AS ({sql}) " + " UNION ALL ".join(parts)  # noqa: S608
            self._shared = {facet: {} for facet in columns}
            with connection.cursor() as cursor:
                cursor.execute(statement, (*params, *columns))
                for facet, value, n in cursor.fetchall():
                    self._shared[facet][_key(value)] = n
        return self._shared

    def counts(self, facet: str) -> dict[str, int]:
        if not self._active(facet):
            return self.shared()[facet]
        column = FACET_COLUMNS[facet]
        qs = _apply(visible_conversations(self.agent), self.f, self.agent, skip=facet)
        grouped = qs.order_by().values(column).annotate(n=Count("*")).values_list(column, "n")
        return {_key(key): n for key, n in grouped}

    def total(self) -> int:
        """How many conversations the queue shows with every filter applied."""
        return sum(self.shared()["unanswered"].values())

    def unanswered(self) -> int:
        by_flag = self.shared()["unanswered"]
        if self._active("unanswered"):
            return sum(by_flag.values())
        return sum(n for flag, n in by_flag.items() if flag.lower() in ("true", "1", "t"))


def facets(agent: Agent, f: Filters) -> tuple[list[Facet], int, int]:
    """Every filter with its options and how many conversations each would show.

    Also the number of unanswered conversations, and the queue's total (both
    from the same one-statement counts).
    """
    teams = list(Team.objects.all() if agent.sees_all_teams else agent.teams.all())
    team_ids = [t.pk for t in teams]
    locations = list(
        Location.objects.all()
        if agent.sees_all_teams
        else Location.objects.filter(Q(team_id__in=team_ids) | Q(team__isnull=True))
    )
    agents = list(
        Agent.objects.select_related("user")
        if agent.sees_all_teams
        else Agent.objects.select_related("user").filter(teams__in=team_ids).distinct()
    )
    out = []
    counter = _Counter(agent, f)

    def facet(name, label, counts, choices, *, any_value="", keep_empty=True):
        current = getattr(f, name)
        options = [
            Option(
                any_value,
                "Any",
                sum(counts.values()),
                f.query(**{name: any_value}),
                current == any_value,
            )
        ]
        for value, text in choices:
            if not keep_empty and not counts.get(value) and value not in (current, "me", "none"):
                continue  # long lists (agents, locations) show only what has conversations
            options.append(
                Option(
                    value, text, counts.get(value, 0), f.query(**{name: value}), current == value
                )
            )
        out.append(Facet(name, label, options))

    status_counts = counter.counts("status")
    facet("status", "Status", status_counts, Status.choices, any_value=ALL)
    out[-1].options.append(out[-1].options.pop(0))  # "Any" status last: open is the default
    facet("channel", "Channel", counter.counts("channel"), Channel.choices)
    level_choices = sorted(Level.choices, key=lambda c: -LEVEL_RANK[c[0]])
    facet("level", "Level", counter.counts("level"), level_choices)
    by_team = counter.counts("team")
    facet(
        "team",
        "Team",
        {t.slug: by_team.get(str(t.pk), 0) for t in teams},
        [(t.slug, t.name) for t in teams],
    )
    by_agent = counter.counts("assignee")
    assignee_counts = {"me": by_agent.get(str(agent.pk), 0), "none": by_agent.get("none", 0)}
    assignee_counts.update(
        {str(a.pk): by_agent.get(str(a.pk), 0) for a in agents if a.pk != agent.pk}
    )
    facet(
        "assignee",
        "Assignee",
        assignee_counts,
        [("me", "Me"), ("none", "Nobody")]
        + [(str(a.pk), a.name) for a in agents if a.pk != agent.pk],
        keep_empty=False,
    )
    out[-1].options[0].count = sum(by_agent.values())
    facet(
        "location",
        "Location",
        counter.counts("location"),
        [(str(loc.pk), loc.name) for loc in locations],
        keep_empty=False,
    )
    return out, counter.unanswered(), counter.total()
