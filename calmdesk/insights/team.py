"""How the team is doing: service figures and post-hoc QA of every reply.

Read-only. SLA compliance, escalation rate, promises kept and wellbeing
exposure come from the SLA/escalation area; recovery rate and CSAT after
recovery from the follow-up area (calmdesk.insights.recovery). Each has one
function here that reads that area's models when they exist and answers
"not tracked yet" otherwise, so the page never shows a made-up number.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from calmdesk.insights.base import difficult_q, has_field, optional_model, started_between
from calmdesk.models import Agent, Conversation, ReplyReview, Status

NOT_TRACKED = "not tracked yet"
ACTIVE = (Status.OPEN, Status.PENDING)  # the SLA clocks still run (calmdesk.actions.sla)
BANDS = (("low", "Below 60", 0, 59), ("mid", "60–79", 60, 79), ("high", "80 and over", 80, 100))


@dataclass
class Figure:
    key: str
    label: str
    tracked: bool = False
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None  # a rate 0..1, a mean or a count, per `unit`
    unit: str = "rate"  # "rate" | "score" | "count"
    note: str = ""
    ids: list[int] = field(default_factory=list, repr=False)  # conversations behind it
    counted: str = ""  # what the numerator counts: "40 of 54 <counted>"

    @property
    def display(self) -> str:
        if not self.tracked:
            return NOT_TRACKED
        if self.value is None:
            return "too few to tell" if self.denominator else "no cases yet"
        if self.unit == "rate":
            return f"{100 * self.value:.0f}%"
        return f"{self.value:.0f}" if self.unit == "count" else f"{self.value:.1f}"

    @property
    def cases(self) -> str:
        """The cases behind the value, "n of m <counted>" ("" when not tracked)."""
        if not self.tracked or self.denominator is None or self.numerator is None:
            return ""
        return f"{self.numerator} of {self.denominator} {self.counted}".strip()


def _rate(
    key, label, ids_hit: list[int], ids_all: list[int], note: str, counted: str = ""
) -> Figure:
    n, d = len(ids_hit), len(ids_all)
    return Figure(
        key, label, True, n, d, n / d if d else None, note=note, ids=ids_hit, counted=counted
    )


def sla_compliance(visible: QuerySet[Conversation], start: datetime, end: datetime) -> Figure:
    """Share of the conversations that started in the period whose SLA was never breached.

    Every conversation has SLA targets (the policy's, by channel and level).
    `sla_due_at` cannot be used: `refresh_sla` moves it after each reply and
    clears it at resolution, so only the late ones would keep one. What is
    kept is `sla_breached_at`, set once by the sweep when a clock ran out and
    never cleared. Counted: conversations started in the period (`started_at`)
    that were breached, or resolved/closed without a breach; open ones not
    breached yet are still running and left out (the note gives their number).

    Wire: reads Conversation.sla_breached_at and status (issue 6)."""
    label = "SLA compliance"
    if not has_field(Conversation, "sla_breached_at"):
        return Figure("sla", label, note="SLA targets and breaches are recorded by the SLA area.")
    started = visible.filter(started_between(start, end))
    counts = started.aggregate(
        met=Count("pk", filter=Q(sla_breached_at__isnull=True) & ~Q(status__in=ACTIVE)),
        running=Count("pk", filter=Q(sla_breached_at__isnull=True, status__in=ACTIVE)),
    )
    breached = list(
        started.filter(sla_breached_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    met, total = counts["met"], counts["met"] + len(breached)
    running = counts["running"]
    note = (
        "Conversations that started in the period and are resolved, or breached: "
        "within target means no SLA deadline (first response, next response, "
        "resolution) was ever missed. "
        + (f"{running} still open and not breached are not counted yet. " if running else "")
        + "The link shows the breached ones."
    )
    return Figure(
        "sla",
        label,
        True,
        met,
        total,
        met / total if total else None,
        note=note,
        ids=breached,  # the link shows the breaches: the ones to look at
        counted="within target",
    )


def escalation_rate(visible: QuerySet[Conversation], start: datetime, end: datetime) -> Figure:
    """Share of difficult conversations in the period that were escalated.

    Wire: reads the Escalation model (conversation, created_at) of issue 6."""
    model = optional_model("Escalation", "conversation", "created_at")
    if model is None:
        return Figure(
            "escalation", "Escalation rate", note="Escalations are recorded by the escalation area."
        )
    hard = visible.filter(difficult_q(), last_inbound_at__gte=start, last_inbound_at__lt=end)
    all_ids = list(hard.values_list("pk", flat=True))
    hit = list(
        model.objects.filter(conversation_id__in=all_ids)
        .values_list("conversation_id", flat=True)
        .distinct()
    )
    return _rate(
        "escalation", "Escalation rate", hit, all_ids, "Difficult conversations escalated."
    )


def promises_kept(visible: QuerySet[Conversation], start: datetime, end: datetime) -> Figure:
    """Share of promises due in the period that were kept (open ones are not counted).

    Wire: reads the Commitment model (conversation, state open/kept/broken, due_at) of issue 6."""
    model = optional_model("Commitment", "conversation", "state", "due_at")
    if model is None:
        return Figure(
            "promises", "Promises kept", note="Promises are recorded by the promise ledger."
        )
    rows = list(
        model.objects.filter(
            conversation__in=visible,
            due_at__gte=start,
            due_at__lt=end,
            state__in=("kept", "broken"),
        ).values_list("conversation_id", "state")
    )
    kept = sum(1 for _, s in rows if s == "kept")
    broken = sorted({c for c, s in rows if s == "broken"})
    return Figure(
        "promises",
        "Promises kept",
        True,
        kept,
        len(rows),
        kept / len(rows) if rows else None,
        note="Promises due in the period, kept on time; the link shows the broken ones.",
        ids=broken,
    )


def wellbeing_exposure(visible: QuerySet[Conversation], start: datetime, end: datetime) -> Figure:
    """The most hostile conversations one agent handled in one shift, and how many
    shifts reached the policy's break threshold (`wellbeing.hostile_per_shift`).

    Only the shifts of agents in the teams whose conversations `visible` holds
    (a lead sees their own teams' agents, a manager everyone's).

    Wire: reads the ShiftExposure model (agent, started_at, hostile) of issue 6."""
    model = optional_model("ShiftExposure", "agent", "started_at", "hostile", "conversation_ids")
    if model is None:
        return Figure(
            "wellbeing",
            "Wellbeing exposure",
            unit="count",
            note="Exposure per agent and shift is recorded by the wellbeing area.",
        )
    from calmdesk.playbook import load_policy

    limit = load_policy().wellbeing.hostile_per_shift
    agents = Agent.objects.filter(teams__in=visible.values("team_id"))
    rows = list(
        model.objects.filter(
            started_at__gte=start, started_at__lt=end, agent__in=agents
        ).values_list("hostile", "conversation_ids")
    )
    over = [ids for hostile, ids in rows if hostile >= limit]
    ids = sorted({int(c) for shift in over for c in shift or ()})
    return Figure(
        "wellbeing",
        "Wellbeing exposure",
        True,
        len(over),
        len(rows),
        float(max(h for h, _ in rows)) if rows else None,
        unit="count",
        note=(
            "The most hostile conversations one agent handled in one shift; "
            f"the cases are the shifts that reached the break threshold ({limit})."
        ),
        ids=ids,
        counted=f"shifts reached {limit} hostile",
    )


def _recovery_module():
    try:
        return importlib.import_module("calmdesk.insights.recovery")
    except ModuleNotFoundError:
        return None


def recovery_rate(visible, start, end) -> Figure:
    """Share of difficult cases resolved in the period whose customer was recovered.

    Reads calmdesk.insights.recovery.summary (issue 7): outcomes over known
    ones, "too few to tell" below CALMDESK_RECOVERY_MIN_SAMPLE."""
    module = _recovery_module()
    if module is None or not hasattr(module, "summary"):
        return Figure(
            "recovery", "Recovery rate", note="Recovery is measured by the follow-up area."
        )
    s = module.summary(start, end, conversations=visible)
    rate = s.rate
    return Figure(
        "recovery",
        "Recovery rate",
        True,
        rate.hits,
        rate.n,
        rate.value if rate.enough else None,
        note=f"{rate.text()}; {s.unknown} cases with no outcome yet.",
        ids=[c.conversation_id for c in s.cases if c.outcome == module.NOT_RECOVERED],
    )


def csat_after_recovery(visible, start, end) -> Figure:
    """Mean CSAT (1-5) of customers after a difficult case, against those who never had one.

    Reads calmdesk.insights.recovery.csat_comparison (issue 7)."""
    module = _recovery_module()
    if module is None or not hasattr(module, "csat_comparison"):
        return Figure(
            "csat",
            "CSAT after recovery",
            unit="score",
            note="Surveys are measured by the follow-up area.",
        )
    c = module.csat_comparison(start, end, conversations=visible)
    enough = c.after_n >= c.min_sample
    return Figure(
        "csat",
        "CSAT after recovery",
        True,
        c.after_satisfied.hits,
        c.after_n,
        c.after_mean if enough else None,
        unit="score",
        note=f"Mean of the answers after a difficult case; {c.verdict}",
        counted="answers rated 4 or 5",
    )


SERVICE_FIGURES = (
    sla_compliance,
    escalation_rate,
    promises_kept,
    recovery_rate,
    csat_after_recovery,
    wellbeing_exposure,
)


SERVICE_BY_KEY = {
    "sla": sla_compliance,
    "escalation": escalation_rate,
    "promises": promises_kept,
    "recovery": recovery_rate,
    "csat": csat_after_recovery,
    "wellbeing": wellbeing_exposure,
}


def service_figures(visible, start, end) -> list[Figure]:
    return [f(visible, start, end) for f in SERVICE_FIGURES]


@dataclass
class AgentQA:
    agent_id: int | None
    name: str
    replies: int = 0
    total: int = 0
    bands: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in BANDS})
    findings: Counter = field(default_factory=Counter)

    @property
    def mean(self) -> float | None:
        return self.total / self.replies if self.replies else None

    def share(self, band: str) -> float:
        return self.bands[band] / self.replies if self.replies else 0.0

    @property
    def top_findings(self) -> list[tuple[str, int]]:
        return self.findings.most_common(3)


def band_of(score: int) -> str:
    return next(key for key, _, lo, hi in BANDS if lo <= score <= hi)


def qa_by_agent(visible, start: datetime, end: datetime) -> tuple[list[AgentQA], Counter, int]:
    """Coach scores of every reviewed reply in the period, per agent, and the findings seen most."""
    rows = ReplyReview.objects.filter(
        sent_at__gte=start, sent_at__lt=end, message__conversation__in=visible
    ).values_list("author_id", "score", "findings")
    per: dict[int | None, AgentQA] = {}
    overall: Counter = Counter()
    count = 0
    for author, score, findings in rows.iterator(chunk_size=5000):
        qa = per.get(author)
        if qa is None:
            qa = per[author] = AgentQA(author, "")
        qa.replies += 1
        qa.total += score
        qa.bands[band_of(score)] += 1
        kinds = set(findings or ())
        qa.findings.update(kinds)
        overall.update(kinds)
        count += 1
    names = {
        a.pk: a.name
        for a in Agent.objects.filter(pk__in=[k for k in per if k]).select_related("user")
    }
    for k, qa in per.items():
        qa.name = names.get(k, "Unknown") if k else "No author"
    return sorted(per.values(), key=lambda q: (q.mean or 0, q.name)), overall, count


def qa_ids(
    visible, start, end, agent_id: int | None, band: str = "", finding: str = ""
) -> list[int]:
    """The conversations behind an agent's band or a finding (for the drill-down list)."""
    qs = ReplyReview.objects.filter(
        sent_at__gte=start, sent_at__lt=end, message__conversation__in=visible
    )
    if agent_id is not None:
        qs = qs.filter(author_id=agent_id)
    out: dict[int, None] = {}
    for cid, score, findings in qs.values_list("message__conversation_id", "score", "findings"):
        if band and band_of(score) != band:
            continue
        if finding and finding not in (findings or ()):
            continue
        out[cid] = None
    return list(out)


def finding_labels(kinds) -> dict[str, str]:
    return {k: k.replace("_", " ").capitalize() for k in kinds}
