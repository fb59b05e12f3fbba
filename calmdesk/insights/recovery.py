"""Was the customer recovered? Outcomes of difficult cases, recovery rate, the paradox measured.

Read-only. A difficult case is a conversation resolved at least once that was difficult
at its peak (or a low review), as everywhere in insights. Its outcome comes
from what happened within CALMDESK_RECOVERY_WINDOW_DAYS after it was first
resolved (a low survey answer reopens a case; it still counts):

strong signals
  - a survey answer: CSAT 4-5 or NPS 9-10 -> recovered; CSAT 1-2, NPS 0-6 or an
    upset comment -> not recovered (CSAT 3 and NPS 7-8 say nothing either way)
  - a customer event: purchase or renewal -> recovered; cancellation -> not
  - a later review: 4-5 stars -> recovered; 1-2 -> not
  - the reply to our follow-up: clearly positive -> recovered; difficult or
    clearly negative -> not
weak signals
  - a later conversation: calm or tense -> they came back (recovered);
    difficult -> not recovered

The latest strong signal decides; with none, the latest weak one; with
neither the outcome is "unknown". Rates are over known outcomes, shown with
their counts and a 95% interval, and as "too few to tell" below
CALMDESK_RECOVERY_MIN_SAMPLE.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from calmdesk.insights.base import difficult_q, has_field, optional_model
from calmdesk.models import (
    Channel,
    Conversation,
    CustomerEvent,
    Direction,
    FollowUp,
    FollowUpState,
    Message,
    Survey,
    SurveyKind,
)

RECOVERED, NOT_RECOVERED, UNKNOWN = "recovered", "not_recovered", "unknown"
OUTCOME_LABELS = {RECOVERED: "Recovered", NOT_RECOVERED: "Not recovered", UNKNOWN: "Unknown"}
GIVEN = ("offered", "accepted", "given", "fulfilled")  # compensation states that count


@dataclass(frozen=True)
class Signal:
    at: datetime
    verdict: str  # RECOVERED or NOT_RECOVERED
    strong: bool
    source: str  # survey / event / review / follow-up reply / later conversation
    detail: str


@dataclass
class CaseOutcome:
    conversation_id: int
    customer_id: int
    customer_name: str
    subject: str
    resolved_at: datetime
    outcome: str = UNKNOWN
    decided_by: Signal | None = None
    signals: list[Signal] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int
    min_sample: int

    @property
    def enough(self) -> bool:
        return self.n >= self.min_sample

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.hits, self.n) if self.n else None

    def text(self) -> str:
        if not self.n:
            return "no known outcomes yet"
        if not self.enough:
            return f"too few to tell ({self.hits} of {self.n})"
        low, high = self.interval or (0, 0)
        return f"{self.value:.0%} ({self.hits} of {self.n}; 95% range {low:.0%}–{high:.0%})"


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _survey_verdict(kind: str, score: int, low: bool) -> str | None:
    if low:
        return NOT_RECOVERED
    if kind == SurveyKind.CSAT:
        return RECOVERED if score >= 4 else NOT_RECOVERED if score <= 2 else None
    return RECOVERED if score >= 9 else NOT_RECOVERED if score <= 6 else None


def _reply_verdict(assessment: dict | None, level: str) -> str | None:
    if level in ("difficult", "hostile"):
        return NOT_RECOVERED
    sentiment = (assessment or {}).get("sentiment")
    if sentiment is None:
        return None
    return RECOVERED if sentiment >= 0.3 else NOT_RECOVERED if sentiment <= -0.3 else None


def decide(signals: Iterable[Signal]) -> Signal | None:
    ordered = sorted(signals, key=lambda s: s.at)
    strong = [s for s in ordered if s.strong]
    return (strong or ordered or [None])[-1]


def difficult_cases(
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    conversations=None,
    customer_id: int | None = None,
):
    qs = conversations if conversations is not None else Conversation.objects.all()
    qs = qs.filter(difficult_q(), resolved_at__isnull=False)  # resolved at least once
    if since is not None:
        qs = qs.filter(resolved_at__gte=since)
    if until is not None:
        qs = qs.filter(resolved_at__lt=until)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def outcomes(cases, window_days: int | None = None) -> list[CaseOutcome]:
    """The outcome of each difficult case in `cases` (a queryset); a fixed number of queries."""
    window = timedelta(days=window_days or settings.CALMDESK_RECOVERY_WINDOW_DAYS)
    rows = list(
        cases.values("id", "customer_id", "customer__name", "subject", "resolved_at").order_by(
            "resolved_at", "id"
        )
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    # A case is judged from its first resolution: a low survey answer reopens it, and
    # that answer still counts against it until something better happens.
    first = dict(
        FollowUp.objects.filter(conversation_id__in=ids)
        .values("conversation_id")
        .annotate(at=Min("resolution_at"))
        .values_list("conversation_id", "at")
    )
    for r in rows:
        r["resolved_at"] = min(r["resolved_at"], first.get(r["id"], r["resolved_at"]))
    customers = {r["customer_id"] for r in rows}
    start = min(r["resolved_at"] for r in rows)
    out = [
        CaseOutcome(r["id"], r["customer_id"], r["customer__name"], r["subject"], r["resolved_at"])
        for r in rows
    ]
    by_customer: dict[int, list[CaseOutcome]] = defaultdict(list)
    for case in out:
        by_customer[case.customer_id].append(case)

    def add(
        customer_id: int,
        at: datetime,
        verdict: str | None,
        strong: bool,
        source: str,
        detail: str,
        only: int | None = None,
        exclude: int | None = None,
    ) -> None:
        if verdict is None:
            return
        for case in by_customer.get(customer_id, ()):
            if (
                only is not None and case.conversation_id != only
            ) or case.conversation_id == exclude:
                continue
            if case.resolved_at < at <= case.resolved_at + window:
                case.signals.append(Signal(at, verdict, strong, source, detail))

    for s in Survey.objects.filter(customer_id__in=customers, answered_at__gt=start).values(
        "customer_id", "answered_at", "kind", "score", "low"
    ):
        top = 5 if s["kind"] == SurveyKind.CSAT else 10
        add(
            s["customer_id"],
            s["answered_at"],
            _survey_verdict(s["kind"], s["score"], s["low"]),
            True,
            "survey",
            f"{s['kind'].upper()} {s['score']}/{top}" + (", upset comment" if s["low"] else ""),
        )
    for e in CustomerEvent.objects.filter(customer_id__in=customers, occurred_at__gt=start).values(
        "customer_id", "occurred_at", "kind"
    ):
        verdict = {"purchase": RECOVERED, "renewal": RECOVERED, "cancellation": NOT_RECOVERED}.get(
            e["kind"]
        )
        add(e["customer_id"], e["occurred_at"], verdict, True, "event", e["kind"])
    later = Conversation.objects.filter(customer_id__in=customers, created_at__gt=start).exclude(
        pk__in=ids
    )
    for c in later.values(
        "id", "customer_id", "created_at", "channel", "rating", "peak_difficulty", "level"
    ):
        if c["channel"] == Channel.REVIEW and c["rating"] is not None:
            verdict = RECOVERED if c["rating"] >= 4 else NOT_RECOVERED if c["rating"] <= 2 else None
            add(c["customer_id"], c["created_at"], verdict, True, "review", f"{c['rating']} stars")
        else:
            hard = c["peak_difficulty"] >= 50 or c["level"] in ("difficult", "hostile")
            add(
                c["customer_id"],
                c["created_at"],
                NOT_RECOVERED if hard else RECOVERED,
                False,
                "later conversation",
                f"#{c['id']} ({c['level']})",
            )
    sent = dict(
        FollowUp.objects.filter(conversation_id__in=ids, state=FollowUpState.SENT).values_list(
            "conversation_id", "sent_at"
        )
    )
    if sent:
        replies = Message.objects.filter(
            conversation_id__in=list(sent), direction=Direction.IN, sent_at__gt=min(sent.values())
        )
        owner = {r["id"]: r["customer_id"] for r in rows}
        for m in replies.values("conversation_id", "sent_at", "assessment", "level"):
            if m["sent_at"] > sent[m["conversation_id"]]:
                add(
                    owner[m["conversation_id"]],
                    m["sent_at"],
                    _reply_verdict(m["assessment"], m["level"]),
                    True,
                    "follow-up reply",
                    m["level"] or "not assessed yet",
                    only=m["conversation_id"],
                )
    remedies = case_remedies(ids)
    for case in out:
        case.remedies = remedies.get(case.conversation_id, [])
        case.decided_by = decide(case.signals)
        case.outcome = case.decided_by.verdict if case.decided_by else UNKNOWN
    return out


def case_remedies(conversation_ids: list[int]) -> dict[int, list[str]]:
    """What was done for each case: its compensation records (calmdesk.Compensation
    with `conversation` and `kind`; with a `state`/`status` field only offers that
    were made: offered, accepted, given, fulfilled), and for cases without any, the
    remedies named in our replies ("a replacement", "a refund"...)."""
    from calmdesk.playbook.followup import remedies_in

    out: dict[int, list[str]] = defaultdict(list)
    model = optional_model("Compensation", "conversation", "kind")
    if model is not None:
        status = next((f for f in ("state", "status") if has_field(model, f)), None)
        qs = model.objects.filter(conversation_id__in=conversation_ids)
        if status:
            qs = qs.filter(**{f"{status}__in": GIVEN})
        for cid, kind in qs.values_list("conversation_id", "kind"):
            if kind not in out[cid]:
                out[cid].append(kind)
    texts: dict[int, list[str]] = defaultdict(list)
    rest = [c for c in conversation_ids if c not in out]
    for cid, body in Message.objects.filter(
        conversation_id__in=rest,
        direction=Direction.OUT,
    ).values_list("conversation_id", "body"):
        texts[cid].append(body)
    for cid, bodies in texts.items():
        found = remedies_in(bodies)
        if found:
            out[cid] = found
    return dict(out)


@dataclass
class Comparison:
    """CSAT of customers after a difficult case vs customers who never had one."""

    after_n: int
    after_mean: float | None
    after_satisfied: Rate
    base_n: int
    base_mean: float | None
    base_satisfied: Rate
    min_sample: int
    verdict: str
    difference: tuple[float, float, float] | None = None  # (diff, low, high)


def _mean_sd(xs: list[int]) -> tuple[float | None, float]:
    if not xs:
        return None, 0.0
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else 0.0
    return mean, math.sqrt(var)


def csat_comparison(
    since: datetime,
    until: datetime | None = None,
    *,
    conversations=None,
    min_sample: int | None = None,
) -> Comparison:
    until = until or timezone.now()
    k = min_sample or settings.CALMDESK_RECOVERY_MIN_SAMPLE
    window = timedelta(days=settings.CALMDESK_RECOVERY_WINDOW_DAYS)
    hard = Conversation.objects.filter(difficult_q(), resolved_at__isnull=False)
    resolved: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in hard.values_list("customer_id", "resolved_at"):
        resolved[cid].append(at)
    answers = Survey.objects.filter(
        kind=SurveyKind.CSAT, answered_at__gte=since, answered_at__lte=until
    )
    if conversations is not None:
        answers = answers.filter(customer_id__in=conversations.values("customer_id"))
    after, base = [], []
    for cid, score, at in answers.values_list("customer_id", "score", "answered_at"):
        times = resolved.get(cid)
        if not times:
            base.append(score)
        elif any(t < at <= t + window for t in times):
            after.append(score)
    (am, asd), (bm, bsd) = _mean_sd(after), _mean_sd(base)
    comp = Comparison(
        len(after),
        am,
        Rate(sum(s >= 4 for s in after), len(after), k),
        len(base),
        bm,
        Rate(sum(s >= 4 for s in base), len(base), k),
        k,
        "",
    )
    if len(after) < k or len(base) < k:
        comp.verdict = (
            f"Too few to tell: {len(after)} answers after a difficult case and "
            f"{len(base)} from other customers (at least {k} each are needed)."
        )
        return comp
    diff = am - bm
    se = math.sqrt(asd**2 / len(after) + bsd**2 / len(base)) or 1e-9
    comp.difference = (diff, diff - 1.96 * se, diff + 1.96 * se)
    if diff - 1.96 * se > 0:
        comp.verdict = (
            f"Higher after recovery: {am:.2f} vs {bm:.2f} (+{diff:.2f}). "
            "The service-recovery paradox shows here."
        )
    elif diff + 1.96 * se < 0:
        comp.verdict = f"Lower after a difficult case: {am:.2f} vs {bm:.2f} ({diff:.2f})."
    else:
        comp.verdict = f"No clear difference: {am:.2f} vs {bm:.2f} (within what chance explains)."
    return comp


@dataclass
class Summary:
    cases: list[CaseOutcome]
    recovered: int
    not_recovered: int
    unknown: int
    rate: Rate
    by_remedy: list[tuple[str, int, int, int, Rate]]  # remedy, recovered, not, unknown, rate
    csat: Comparison


def summary(
    since: datetime,
    until: datetime | None = None,
    *,
    conversations=None,
    min_sample: int | None = None,
) -> Summary:
    k = min_sample or settings.CALMDESK_RECOVERY_MIN_SAMPLE
    cases = outcomes(difficult_cases(since, until, conversations=conversations))
    counts = {o: sum(c.outcome == o for c in cases) for o in (RECOVERED, NOT_RECOVERED, UNKNOWN)}
    remedies: dict[str, list[CaseOutcome]] = defaultdict(list)
    for c in cases:
        for r in c.remedies:
            remedies[r].append(c)
    by_remedy = []
    for remedy, group in sorted(remedies.items(), key=lambda kv: -len(kv[1])):
        rec = sum(c.outcome == RECOVERED for c in group)
        nrec = sum(c.outcome == NOT_RECOVERED for c in group)
        by_remedy.append((remedy, rec, nrec, len(group) - rec - nrec, Rate(rec, rec + nrec, k)))
    return Summary(
        cases,
        counts[RECOVERED],
        counts[NOT_RECOVERED],
        counts[UNKNOWN],
        Rate(counts[RECOVERED], counts[RECOVERED] + counts[NOT_RECOVERED], k),
        by_remedy,
        csat_comparison(since, until, conversations=conversations, min_sample=k),
    )
