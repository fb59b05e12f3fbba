"""What every insights query shares: when a conversation happened, what counts as
difficult, weeks, and optional models from other feature areas.

Read-only. A conversation "happened" when the customer first wrote (the
first inbound message's sent_at): Conversation.created_at is the time the
row was stored, which for imported history is the import time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from calmdesk.analysis.scoring import LEVEL_FLOOR
from calmdesk.models import Channel

# A conversation is difficult when its hardest message reached "difficult".
DIFFICULT_MIN = LEVEL_FLOOR["difficult"]
# Reviews this low count as complaints whatever their wording.
LOW_RATING = 2


def difficult_q(prefix: str = "") -> Q:
    """Conversations that count as complaints: difficult at their peak, or a low review."""
    return Q(**{f"{prefix}peak_difficulty__gte": DIFFICULT_MIN}) | Q(
        **{f"{prefix}channel": Channel.REVIEW, f"{prefix}rating__lte": LOW_RATING}
    )


def is_difficult(peak_difficulty: int, channel: str, rating: int | None) -> bool:
    return peak_difficulty >= DIFFICULT_MIN or (
        channel == Channel.REVIEW and rating is not None and rating <= LOW_RATING
    )


def started_expr():
    """When the customer first wrote: the stored first inbound time (else the row's creation).

    `Conversation.started_at` is kept by `receive` (and back-filled by
    migration 0002), so no insights query aggregates over the messages.
    """
    return Coalesce("started_at", "created_at")


def started_between(since: datetime, until: datetime) -> Q:
    """Conversations whose `started_expr()` falls in [since, until], in a form
    the started_at index can answer (the expression itself could not use it)."""
    return Q(started_at__gte=since, started_at__lte=until) | Q(
        started_at__isnull=True, created_at__gte=since, created_at__lte=until
    )


class EpochSeconds(Func):
    """A datetime as float seconds since 1970, on PostgreSQL.

    Django loads each timestamptz through psycopg's pure-Python parser (about
    6 us a value), about a quarter of the overview's time at 200,000 conversations; a
    float8 loads in C. float8 holds today's epoch seconds to 0.24 us, so
    `datetime.fromtimestamp` (which rounds to the microsecond) gives back the
    stored value exactly."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _as_loaded(value: datetime) -> datetime:
    return value


def fast_datetime(expr, db: str) -> tuple[Any, Callable[[Any], datetime]]:
    """(what to select for the datetime `expr`, how to turn a loaded value into the
    datetime): on PostgreSQL its epoch seconds and datetime.fromtimestamp,
    elsewhere the datetime itself as loaded. For queries that load many rows."""
    if connections[db].vendor == "postgresql":
        return EpochSeconds(expr), _from_epoch
    return expr, _as_loaded


class InArray(Func):
    """`field = ANY(%s)` with the ids as one array parameter (PostgreSQL). Django and
    psycopg handle `field__in=ids` as one parameter per id: for the 50,000 customers
    of a silent-churn cohort that alone took most of a second."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: list[int]) -> None:
        super().__init__(F(field))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"{lhs} = ANY(%s)", (*params, self.ids)


def ids_in(field: str, ids: Iterable[int], db: str) -> Q | InArray:
    """A filter: `field` is one of `ids` (as one array parameter on PostgreSQL)."""
    ids = [int(i) for i in ids]
    if ids and connections[db].vendor == "postgresql":
        return InArray(field, ids)
    return Q(**{f"{field}__in": ids})


def week_start(at: datetime) -> datetime:
    """Monday 00:00 (in the site's time zone) of the week containing `at`."""
    local = timezone.localtime(at)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday


@dataclass(frozen=True)
class Window:
    """The weeks a page shows: `weeks` whole weeks ending with the current one."""

    start: datetime
    end: datetime
    weeks: list[datetime]

    @classmethod
    def last(cls, weeks: int, now: datetime | None = None) -> Window:
        now = now or timezone.now()
        current = week_start(now)
        starts = [current - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
        return cls(starts[0], now, starts)

    def index(self, at: datetime) -> int | None:
        """Which of the weeks `at` falls in (exact across DST changes), or None."""
        if at < self.start or at > self.end:
            return None
        return bisect_right(self.weeks, at) - 1


def setting(name: str, default):
    return getattr(settings, name, default)


def optional_model(name: str, *fields: str):
    """The model `calmdesk.<name>` when it exists and has `fields`, else None.

    Other feature areas (follow-ups, SLAs, escalation) add models that some
    figures read; until they land those figures say "not tracked yet".
    """
    try:
        model = apps.get_model("calmdesk", name)
    except LookupError:
        return None
    try:
        for f in fields:
            model._meta.get_field(f)
    except FieldDoesNotExist:
        return None
    return model


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
