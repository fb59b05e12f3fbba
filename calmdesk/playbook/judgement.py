"""Genuine grievance or habitually difficult? A judgement from the customer's history.

Most angry customers react to a real failure; a few are difficult by habit.
The history tells them apart: repeated compensation claims, repeated
difficult contacts with little to fix, and abuse point to the second kind.
The judgement always carries its reasons, so an agent can disagree with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["new", "genuine", "habitual"]


@dataclass(frozen=True)
class CustomerHistory:
    """Counts over a look-back window (the current conversation included)."""

    conversations: int = 1
    difficult: int = 0  # conversations that reached difficult or hostile
    abusive: int = 0  # conversations with abuse aimed at staff
    compensations: int = 0  # compensation offered or accepted
    compensation_total: float = 0.0
    currency_symbol: str = "€"
    vip: bool = False
    window_days: int = 365


@dataclass(frozen=True)
class Judgement:
    kind: Kind
    label: str
    reasons: list[str] = field(default_factory=list)

    @property
    def habitual(self) -> bool:
        return self.kind == "habitual"


def judge_customer(h: CustomerHistory, *, min_claims: int = 3, min_difficult: int = 4) -> Judgement:
    """`habitual` when the history shows serial claims or serial hostility, with reasons."""
    period = f"in the last {h.window_days} days"
    reasons: list[str] = []
    habitual = False
    if h.compensations >= min_claims:
        habitual = True
        reasons.append(
            f"{h.compensations} compensations {period} "
            f"({h.currency_symbol}{h.compensation_total:g} in total)."
        )
    if h.difficult >= min_difficult and h.abusive >= 2:
        habitual = True
        reasons.append(f"{h.difficult} difficult conversations {period}, {h.abusive} with abuse.")
    if habitual:
        if h.vip:
            reasons.append("VIP: a manager should review before the lower limits apply.")
        return Judgement("habitual", "Habitual claimant", reasons)
    if h.conversations <= 1:
        return Judgement("new", "First contact", [f"No earlier conversations {period}."])
    reasons.append(f"{h.conversations} conversations {period}, {h.difficult} of them difficult.")
    if h.compensations:
        reasons.append(f"{h.compensations} earlier compensation(s) — below the habitual threshold.")
    if not h.abusive:
        reasons.append("No abuse in the history.")
    return Judgement("genuine", "Genuine grievance", reasons)
