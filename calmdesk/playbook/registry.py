"""The registry of rule actions a policy may name.

A policy rule says *what* should happen ("escalate to a manager"); the desk
decides *how*. This dict is the only place an action name from the policy
file is turned into something typed: each name maps to the pydantic model
of its parameters. Validation rejects any other name, so the desk never
dispatches on a string read from data without going through this table
(see `dispatch`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ActionParams(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class EscalateParams(ActionParams):
    """Move the conversation up the ladder (lead, then manager)."""

    to: Literal["lead", "manager"]
    reason: str = ""


class RequireApprovalParams(ActionParams):
    """Something the agent does next needs sign-off from `role` first."""

    role: Literal["lead", "manager", "admin"]
    subject: Literal["compensation", "closing", "reply"] = "compensation"


class SendBoundaryMessageParams(ActionParams):
    """Suggest the policy's boundary message; `stage` picks which one."""

    stage: Literal["warning", "final_warning", "auto"] = "auto"


class OfferCompensationTierParams(ActionParams):
    """Suggest the options of one tier of the compensation ladder."""

    tier: str = Field(min_length=1)


class ScheduleFollowUpParams(ActionParams):
    """Plan a personal follow-up `after_business_days` after the reply."""

    after_business_days: int = Field(default=2, ge=0, le=60)
    kind: Literal["check_resolved", "survey", "callback"] = "check_resolved"


ACTION_REGISTRY: dict[str, type[ActionParams]] = {
    "escalate": EscalateParams,
    "require_approval": RequireApprovalParams,
    "send_boundary_message": SendBoundaryMessageParams,
    "offer_compensation_tier": OfferCompensationTierParams,
    "schedule_follow_up": ScheduleFollowUpParams,
}


def validate_action(name: str, params: Mapping[str, Any]) -> ActionParams:
    """The typed parameters of one action; ValueError when the name is unknown."""
    try:
        model = ACTION_REGISTRY[name]
    except KeyError:
        allowed = ", ".join(sorted(ACTION_REGISTRY))
        raise ValueError(f"unknown action {name!r}; allowed: {allowed}") from None
    return model.model_validate(dict(params))


def dispatch(
    name: str,
    params: ActionParams,
    handlers: Mapping[str, Callable[[ActionParams], Any]],
) -> Any:
    """Call the desk's handler for a registered action.

    Raises KeyError for a name outside the registry or without a handler,
    and TypeError when `params` is not the registered parameter type.
    """
    model = ACTION_REGISTRY[name]
    if not isinstance(params, model):
        raise TypeError(f"{name}: expected {model.__name__}, got {type(params).__name__}")
    return handlers[name](params)
