"""Realistic conversations for the playbook tests, with hand-made assessments.

The assessments are written by hand (not produced by the analysis engine) so
these tests only change when the playbook does. NOW is a Monday morning.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calmdesk.analysis.types import Assessment, Signal, Span
from calmdesk.playbook.views import (
    AgentView,
    ConversationView,
    CustomerView,
    LocationView,
    MessageView,
)

NOW = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)  # Monday 10:00 UTC
AGENT = AgentView(name="Sam Rivera", role="agent")
LEAD = AgentView(name="Alex Moreau", role="lead")

_DIFFICULTY = {"calm": 10, "tense": 40, "difficult": 65, "hostile": 85}


def assessment(
    level: str = "tense",
    emotions: dict[str, float] | None = None,
    signals: tuple[str, ...] = (),
    abuse: float = 0.0,
    text: str = "",
) -> Assessment:
    sigs = [
        Signal(k, 0.9, [Span(0, min(len(text), 10), text[:10])] if text else []) for k in signals
    ]
    return Assessment(
        sentiment=-0.1 if level == "calm" else -0.7,
        sentiment_label="neutral" if level == "calm" else "negative",
        emotions=emotions or {},
        abuse=abuse,
        signals=sigs,
        difficulty=_DIFFICULTY[level],
        level=level,
        reasons=[],
        language="en",
        confidence=0.8,
    )


def inbound(body: str, hours_ago: float = 1, **kw: object) -> MessageView:
    return MessageView("in", body, NOW - timedelta(hours=hours_ago), assessment(text=body, **kw))  # type: ignore[arg-type]


def conv(
    key: str, channel: str, name: str, messages: list[MessageView], **kw: object
) -> ConversationView:
    last = next(m.assessment for m in reversed(messages) if m.assessment)
    customer_kw = {k: kw.pop(k) for k in ("contact_count", "habitual", "vip") if k in kw}
    return ConversationView(
        id=key,
        channel=channel,
        subject=kw.pop("subject", "") or key.replace("_", " "),  # type: ignore[arg-type]
        customer=CustomerView(name=name, **customer_kw),  # type: ignore[arg-type]
        messages=messages,
        level=last.level if last else "calm",
        difficulty=last.difficulty if last else 0,
        **kw,  # type: ignore[arg-type]
    )


def conversations() -> dict[str, ConversationView]:
    c = {}
    c["late_delivery"] = conv(
        "late_delivery",
        "email",
        "Jane Doe",
        [
            inbound(
                "This is the third time I write and my order #4411 has not arrived, you idiots!!! "
                "I want my money back.",
                level="hostile",
                emotions={"anger": 0.8},
                signals=("repeat_contact", "insult", "shouting"),
                abuse=0.7,
            ),
        ],
        contact_count=3,
    )
    c["double_charge"] = conv(
        "double_charge",
        "email",
        "Marcus Webb",
        [
            inbound(
                "Hi, you charged me twice for my subscription this month (19.99 each). "
                "Please refund the second payment.",
                level="tense",
                emotions={"frustration": 0.6},
            ),
        ],
    )
    c["damaged_sofa"] = conv(
        "damaged_sofa",
        "email",
        "Priya Patel",
        [
            inbound(
                "I ordered a sofa on 3 March. It was delivered damaged and nobody answers the phone. "
                "I want a replacement or my money back.",
                level="difficult",
                emotions={"anger": 0.6},
            ),
        ],
    )
    c["manager_request"] = conv(
        "manager_request",
        "chat",
        "Tom Baker",
        [
            inbound(
                "I want to speak to a manager right now. The replacement you sent is the wrong size again.",
                level="difficult",
                emotions={"frustration": 0.7},
                signals=("escalation_request",),
            ),
        ],
        contact_count=2,
    )
    c["login"] = conv(
        "login",
        "chat",
        "Ana Souza",
        [
            inbound(
                "Hello, I cannot log in to my account since yesterday, the password reset link does not work.",
                level="calm",
                emotions={"anxiety": 0.4},
            ),
        ],
    )
    c["unclear_sms"] = conv(
        "unclear_sms",
        "sms",
        "Lee Chang",
        [
            inbound(
                "Call me now!!! This is unacceptable",
                level="hostile",
                emotions={"anger": 0.9},
                signals=("shouting", "urgency"),
            ),
        ],
    )
    c["review"] = conv(
        "review",
        "review",
        "Maria Gonzalez",
        [
            inbound(
                "Ordered a sofa, waited 6 weeks, nobody answers the phone. Avoid! Order #5521",
                level="difficult",
                emotions={"anger": 0.5, "disappointment": 0.6},
            ),
        ],
        location=LocationView("Stockholm", "stockholm@example.com"),
    )
    c["social_abuse"] = conv(
        "social_abuse",
        "social",
        "Kim Berg",
        [
            inbound(
                "@shop you are a bunch of clowns, my parcel is lost for 2 weeks",
                level="hostile",
                emotions={"anger": 0.8},
                signals=("insult",),
                abuse=0.8,
            ),
        ],
    )
    c["legal"] = conv(
        "legal",
        "email",
        "Oliver Grant",
        [
            inbound(
                "My card was charged 240 pounds for an order I cancelled. If this is not refunded by Friday "
                "I will take legal action.",
                level="difficult",
                emotions={"anger": 0.5},
                signals=("legal_threat",),
            ),
        ],
    )
    c["calm_question"] = conv(
        "calm_question",
        "email",
        "Sofia Rossi",
        [
            inbound(
                "Hi, could you tell me when my replacement will ship? Thanks!",
                level="calm",
                emotions={"gratitude": 0.5},
            ),
        ],
    )
    c["habitual"] = conv(
        "habitual",
        "email",
        "Dana Fox",
        [
            inbound(
                "The delivery was one day late again, I expect a voucher for this.",
                level="tense",
                emotions={"frustration": 0.5},
            ),
        ],
        habitual=True,
    )
    c["vip_invoice"] = conv(
        "vip_invoice",
        "email",
        "Henrik Larsen",
        [
            inbound("The invoice shows the wrong VAT number.", hours_ago=30, level="calm"),
            MessageView(
                "out",
                "Hi Henrik, thank you for telling us. I will look into it.",
                NOW - timedelta(hours=26),
            ),
            inbound(
                "Still no answer about my invoice. My accountant needs the corrected invoice today.",
                level="tense",
                emotions={"frustration": 0.6},
                signals=("repeat_contact", "urgency"),
            ),
        ],
        vip=True,
        contact_count=2,
    )
    c["harm"] = conv(
        "harm",
        "chat",
        "Rob Stone",
        [
            inbound(
                "If my refund isn't sorted today I will come to your shop and smash the place up.",
                level="hostile",
                emotions={"anger": 0.9},
                signals=("threat_of_harm",),
                abuse=0.9,
            ),
        ],
    )
    c["no_name"] = conv(
        "no_name",
        "email",
        "",
        [
            inbound(
                "My parcel has not arrived and the tracking has not moved for a week.",
                level="tense",
                emotions={"frustration": 0.5},
            ),
        ],
    )
    c["final_warning"] = conv(
        "final_warning",
        "email",
        "Chris Young",
        [
            inbound(
                "You are useless morons, where is my refund for the broken kettle?",
                level="hostile",
                emotions={"anger": 0.9},
                signals=("insult", "profanity"),
                abuse=0.9,
            ),
        ],
        abuse_warnings=1,
    )
    return c
