"""The policy schema, part 2: the operational rules.

Compensation ladder, SLA targets and business hours, escalation rules (whose
actions come from `registry.ACTION_REGISTRY`), the boundary protocol,
wellbeing, follow-ups, the root-cause taxonomy and public replies. Issue #6
acts on most of these; here they are validated so a policy is complete.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator

from calmdesk.playbook.registry import ActionParams, validate_action
from calmdesk.playbook.schema import (
    Channel,
    Level,
    Option,
    Pattern,
    Role,
    SignalKind,
    Strict,
    Text,
)

Money = Annotated[float, Field(ge=0, le=1_000_000)]
Minutes = Annotated[int, Field(ge=1, le=60 * 24 * 90)]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
        raise ValueError("write clock times in quotes, e.g. '17:00'")
    if isinstance(value, str) and not _HHMM.match(value):
        raise ValueError("expected a 24-hour time like '09:00'")
    return value


Clock = Annotated[str, BeforeValidator(_clock)]


class OptionInfo(Strict):
    label: Text
    explain: Text


class Tier(Strict):
    options: list[Option] = Field(min_length=1)
    max_amount: Money | None = None


class Compensation(Strict):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    symbol: Annotated[str, Field(min_length=1, max_length=4)] = "€"
    options: dict[Option, OptionInfo]
    limits: dict[Role, dict[Option, Money]]
    tiers: dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], Tier] = Field(default_factory=dict)
    habitual_factor: float = Field(default=1.0, ge=0, le=1)


class BusinessHours(Strict):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    open: Clock
    close: Clock
    holidays: list[Annotated[dt.date, Field(strict=False)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _open_before_close(self) -> BusinessHours:
        if self.open >= self.close:
            raise ValueError("'open' must be before 'close'")
        return self


class Target(Strict):
    first_response: Minutes
    next_response: Minutes
    resolution: Minutes
    public_response: Minutes | None = None


class Sla(Strict):
    business_hours: BusinessHours
    at_risk_fraction: float = Field(default=0.75, gt=0, lt=1)
    targets: dict[Channel, dict[Level | Literal["default"], Target]]


class Condition(Strict):
    """Every field given must hold (AND); fields left out are not checked."""

    any_signal: list[SignalKind] | None = None
    all_signals: list[SignalKind] | None = None
    min_difficulty: Annotated[int, Field(ge=0, le=100)] | None = None
    level_at_least: Level | None = None
    min_contacts: Annotated[int, Field(ge=1)] | None = None
    vip: bool | None = None
    habitual: bool | None = None
    channels: list[Channel] | None = None
    sla_breached: bool | None = None
    min_abuse_warnings: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("a rule needs at least one condition")
        return self


class RuleAction(Strict):
    action: str
    params: dict[str, Any] = Field(default_factory=dict)
    _typed: ActionParams = PrivateAttr()

    @model_validator(mode="after")
    def _registered(self) -> RuleAction:
        try:
            self._typed = validate_action(self.action, self.params)
        except ValueError as exc:  # includes pydantic.ValidationError
            raise ValueError(_action_error(self.action, exc)) from None
        return self

    @property
    def typed(self) -> ActionParams:
        return self._typed


def _action_error(name: str, exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for err in errors():
        where = ".".join(str(p) for p in err["loc"]) or "params"
        parts.append(f"params.{where}: {err['msg']}" if err["loc"] else err["msg"])
    return f"action {name!r}: " + "; ".join(parts)


class Rule(Strict):
    name: Text
    when: Condition
    then: list[RuleAction] = Field(min_length=1)
    stop: bool = False


class Boundary(Strict):
    message: Text
    final_warning_message: Text
    warnings_before_final: int = Field(ge=0, le=10)
    trigger_signals: list[SignalKind] = Field(min_length=1)
    min_abuse: float = Field(ge=0, le=1)
    cues: list[Pattern] = Field(min_length=1)
    deciders: list[Role] = Field(min_length=1)
    pause_options_hours: list[Annotated[int, Field(ge=1, le=24 * 365)]] = Field(min_length=1)

    @model_validator(mode="after")
    def _agents_do_not_block(self) -> Boundary:
        if "agent" in self.deciders:
            raise ValueError("deciders: an agent may not pause or block a contact")
        return self


class Wellbeing(Strict):
    hostile_per_shift: int = Field(ge=1, le=100)
    shift_hours: int = Field(ge=1, le=24)
    count_levels: list[Level] = Field(min_length=1)
    break_minutes: int = Field(ge=0, le=240)


class FollowUp(Strict):
    after_resolution_business_days: int = Field(ge=0, le=60)
    promise_reminder_minutes: int = Field(ge=0, le=60 * 24 * 7)
    survey_after_hours: int = Field(ge=0, le=24 * 60)
    no_reply_chase_business_days: int = Field(ge=1, le=60)


class RootCauseInfo(Strict):
    label: Text
    phrase: Text
    cues: list[Annotated[str, Field(min_length=2, max_length=60)]] = Field(default_factory=list)


class PublicReply(Strict):
    channels: list[Channel] = Field(min_length=1)
    max_words: int = Field(ge=20, le=300)
    default_contact: Text
    forbid: list[Literal["email", "phone", "order_number", "full_name"]]
