"""What difficult conversations do to customers: repeat contact, silent churn, revenue at risk.

Read-only, computed from the same facts as the patterns page. Silent churn
is an *estimate* and is labelled so everywhere: nobody tells you they left.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from calmdesk.insights.base import ids_in, optional_model
from calmdesk.insights.patterns import Fact
from calmdesk.models import Status

COHORT_DAYS = 90  # the churn cohort: customers last seen in these 90 days, churn window ago
VALUE_DAYS = 365  # a customer's value: what they spent in the last year
OPEN = (Status.OPEN, Status.PENDING)


@dataclass
class Rate:
    numerator: int
    denominator: int
    ids: list[int] = field(default_factory=list, repr=False)

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def repeat_contacts(facts: list[Fact], since: datetime, days: int) -> tuple[Rate, Rate]:
    """(all, difficult): conversations since `since` that follow another conversation
    by the same customer started within `days` before. `facts` must reach back
    `days` before `since`."""
    last_seen: dict[int, datetime] = {}
    every, hard = Rate(0, 0), Rate(0, 0)
    gap = timedelta(days=days)
    for f in facts:  # in start order
        prev = last_seen.get(f.customer_id)
        last_seen[f.customer_id] = f.started
        if f.started < since:
            continue
        repeat = prev is not None and f.started - prev <= gap
        for rate, counts in ((every, True), (hard, f.difficult)):
            if not counts:
                continue
            rate.denominator += 1
            if repeat:
                rate.numerator += 1
                rate.ids.append(f.id)
    return every, hard


@dataclass
class Churn:
    """Customers last seen in [cohort_start, cohort_end] who have not come back since."""

    cohort_start: datetime
    cohort_end: datetime
    difficult: Rate  # customers whose last contact was difficult
    baseline: Rate  # customers whose last contact was not difficult
    confirmed: int  # of the silent ones, customers with a posted cancellation
    came_back_by_event: int  # no new conversation, but a posted purchase or renewal
    uses_events: bool
    customer_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def excess(self) -> float | None:
        if self.difficult.value is None or self.baseline.value is None:
            return None
        return self.difficult.value - self.baseline.value


def silent_churn(facts: list[Fact], now: datetime, churn_days: int) -> Churn:
    """Estimate: customers whose last contact was difficult and who never came back.

    "Came back" is any later conversation or, when the business posts
    customer events, a later purchase or renewal. The cohort is customers
    whose latest conversation started between `churn_days + 90` and
    `churn_days` days ago; the baseline is the same for customers whose last
    contact was not difficult, so the difference is what difficulty adds.
    """
    end = now - timedelta(days=churn_days)
    start = end - timedelta(days=COHORT_DAYS)
    last: dict[int, Fact] = {}
    for f in facts:
        last[f.customer_id] = f  # facts are in start order: the latest wins
    cohort = {c: f for c, f in last.items() if start <= f.started <= end}
    events = _events(list(cohort), start)
    hard, base = Rate(0, 0), Rate(0, 0)
    confirmed = by_event = 0
    churned: list[int] = []
    for customer, f in cohort.items():
        rate = hard if f.difficult else base
        rate.denominator += 1
        kinds = {k for k, at in events.get(customer, ()) if at > f.started}
        if kinds & {"purchase", "renewal"}:
            by_event += f.difficult
            continue
        rate.numerator += 1
        if f.difficult:
            rate.ids.append(f.id)
            churned.append(customer)
            confirmed += "cancellation" in kinds
    uses_events = optional_model("CustomerEvent", "customer", "kind", "occurred_at") is not None
    return Churn(start, end, hard, base, confirmed, by_event, uses_events, churned)


def _events(customer_ids: list[int], since: datetime) -> dict[int, list[tuple[str, datetime]]]:
    model = optional_model("CustomerEvent", "customer", "kind", "occurred_at")
    out: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    if model is None or not customer_ids:
        return out
    for cid, kind, at in model.objects.filter(
        ids_in("customer_id", customer_ids, model.objects.db), occurred_at__gte=since
    ).values_list("customer_id", "kind", "occurred_at"):
        out[cid].append((kind, at))
    return out


@dataclass
class Revenue:
    available: bool
    silent_churn: Decimal = Decimal(0)
    open_difficult: Decimal = Decimal(0)
    customers_valued: int = 0
    note: str = ""

    @property
    def total(self) -> Decimal:
        return self.silent_churn + self.open_difficult


def revenue_at_risk(facts: list[Fact], churn: Churn, now: datetime) -> Revenue:
    """What the customers behind difficult conversations spend in a year, when that is known.

    Value comes from purchase and renewal events with a value posted to
    POST /api/v1/customers/{id}/events (the last 365 days). Two parts: the
    customers in the silent-churn estimate, and the customers with a
    difficult conversation still open.
    """
    model = optional_model("CustomerEvent", "customer", "kind", "occurred_at", "value")
    if model is None:
        return Revenue(False, note="Customer value is not recorded yet.")
    open_hard = {f.customer_id for f in facts if f.difficult and f.status in OPEN}
    ids = set(churn.customer_ids) | open_hard
    values: dict[int, Decimal] = defaultdict(Decimal)
    for cid, value in model.objects.filter(
        ids_in("customer_id", ids, model.objects.db),
        kind__in=("purchase", "renewal"),
        value__isnull=False,
        occurred_at__gte=now - timedelta(days=VALUE_DAYS),
    ).values_list("customer_id", "value"):
        values[cid] += value
    if not values:
        return Revenue(
            False,
            note="No customer values have been posted (purchase or renewal "
            "events with a value) for these customers.",
        )
    return Revenue(
        True,
        silent_churn=sum((values[c] for c in churn.customer_ids), Decimal(0)),
        open_difficult=sum((values[c] for c in open_hard), Decimal(0)),
        customers_valued=len(values),
    )
