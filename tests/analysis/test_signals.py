"""Every signal kind: a message that fires it and one that must not."""

from __future__ import annotations

import pytest

from calmdesk.analysis import SIGNAL_KINDS, assess

FIRES = {
    "churn_threat": [
        ("Cancel my account today.", "Cancel my account"),
        ("I'm switching to a competitor after this.", "switching to a competitor"),
        ("Please close my account and refund me", "close my account"),
        ("I will take my business elsewhere.", "take my business elsewhere"),
        ("I will never order from you again", "never order from you again"),
    ],
    "review_threat": [
        ("I'm leaving a one-star review on every site", "one-star"),
        ("I will post this on Twitter and Facebook", "post this on Twitter"),
        ("Fix it or I post this everywhere.", "post this everywhere"),
        ("I'm going to tell everyone I know about this", "tell everyone I know"),
    ],
    "legal_threat": [
        ("I'll sue you for this.", "sue"),
        ("My lawyer will be in touch.", "My lawyer"),
        ("See you in small claims court.", "small claims court"),
        ("I am reporting this to the ombudsman", "ombudsman"),
    ],
    "chargeback_threat": [
        ("I'll just do a chargeback then.", "chargeback"),
        ("I'm going to dispute the charge with my bank", "dispute the charge"),
        ("I will call my bank and reverse the payment", "call my bank"),
    ],
    "escalation_request": [
        ("I want to speak to a manager.", "want to speak to a manager"),
        ("Put me through to your supervisor", "Put me through to your supervisor"),
        ("Can I talk to a real person please", "talk to a real person"),
    ],
    "repeat_contact": [
        ("This is the third time I'm writing about this.", "third time"),
        ("I'm still waiting for my refund.", "still waiting"),
        ("I have called five times this week", "called five times"),
        ("I already explained this to your colleague", "already explained"),
    ],
    "urgency": [
        ("I need this fixed immediately", "immediately"),
        ("Please respond ASAP", "ASAP"),
        ("I need the replacement by Friday", "by Friday"),
    ],
    "shouting": [
        ("WHERE IS MY ORDER", "WHERE IS MY ORDER"),
        ("Where is my order???", "???"),
        ("This is NOT ACCEPTABLE at all", "NOT ACCEPTABLE"),
    ],
    "profanity": [
        ("This is fucking ridiculous", "fucking"),
        ("What a load of bullshit", "bullshit"),
        ("this is such sh*t service", "sh*t"),
    ],
    "insult": [
        ("You are all incompetent idiots", "incompetent"),
        ("Your staff are useless", "useless"),
        ("What a scam, thieves", "scam"),
    ],
    "threat_of_harm": [
        ("I will come down there and hurt you", "hurt you"),
        ("I know where you live", "I know where you live"),
        ("I'll burn your store down", "burn your store down"),
    ],
    "sarcasm": [
        ("Oh great, my parcel is lost again.", "Oh great"),
        ("Thanks for nothing.", "Thanks for nothing"),
        ("Great job losing my package twice", "Great job losing"),
        ("Yeah right, like that will ever happen", "Yeah right"),
    ],
    "complaint": [
        ("I want to file a complaint about the delivery", "complaint"),
        ("This is unacceptable.", "unacceptable"),
    ],
}

SILENT = {
    "churn_threat": [
        "I do not want to cancel, I just want it fixed",
        "Your agent said I should cancel my account",
        'The page says "cancel my account" but the button is broken',
        "No need to cancel anything",
        "You cancelled my order without telling me",
    ],
    "review_threat": [
        "I will not leave a bad review, I just want help",
        "Five stars, lovely service",
        "Your colleague told me to post it on Facebook",
    ],
    "legal_threat": [
        "I don't want to sue anyone, just get my money back",
        "The package is stuck at the courthouse address",
    ],
    "chargeback_threat": [
        "I don't want to do a chargeback",
        "My bank details changed, how do I update them?",
    ],
    "escalation_request": [
        "No need to get a manager involved",
        "Your manager Sarah was lovely",
    ],
    "repeat_contact": [
        "This is my first time ordering",
        "I ordered three times last year and all were fine",
        "Thanks again for your help",
    ],
    "urgency": [
        "No rush, whenever you have time",
        "It's not urgent at all",
    ],
    "shouting": [
        "I ordered a USB cable from the UK shop",
        "Where is my order?",
        "Hello, my order has not arrived yet.",
    ],
    "profanity": [
        "The class was on Scunthorpe history",
        "I assume the parcel is lost",
        "Please pass the assessment results",
    ],
    "insult": [
        "I feel so stupid, I typed the wrong address",
        "You are not stupid, the form is confusing",
        "My neighbour is an idiot who took my parcel",
        "Your agent called me an idiot",
    ],
    "threat_of_harm": [
        "This delay is killing me",
        "I'm not going to hurt anyone, I just want my money",
        "You're killing it with these prices",
    ],
    "sarcasm": [
        "Great service, thank you so much!",
        "Thanks a lot for the quick refund",
    ],
    "complaint": [
        "Everything was fine, thank you",
        "No complaints at all, great job",
    ],
}


def test_every_signal_kind_is_tested() -> None:
    assert set(FIRES) == set(SIGNAL_KINDS) == set(SILENT)


@pytest.mark.parametrize(
    ("kind", "text", "evidence"), [(k, t, e) for k, cases in FIRES.items() for t, e in cases]
)
def test_signal_fires_with_exact_evidence(kind: str, text: str, evidence: str) -> None:
    a = assess(text)
    sig = a.signal(kind)
    assert sig is not None, f"{kind} did not fire on {text!r}: {[s.kind for s in a.signals]}"
    assert 0.0 < sig.score <= 1.0
    texts = [e.text for e in sig.evidence]
    assert any(evidence.lower() in t.lower() for t in texts), texts
    for span in sig.evidence:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, cases in SILENT.items() for t in cases])
def test_signal_does_not_fire(kind: str, text: str) -> None:
    a = assess(text)
    assert a.signal(kind) is None, f"{kind} fired on {text!r}: {a.signal(kind)}"


def test_prior_contacts_context_raises_repeat_contact() -> None:
    plain = assess("Where is my parcel?")
    assert plain.signal("repeat_contact") is None
    again = assess("Where is my parcel?", {"prior_contacts": 2, "channel": "email"})
    sig = again.signal("repeat_contact")
    assert sig is not None and sig.score > 0.5
    assert again.difficulty > plain.difficulty
    assert any("earlier contact" in r for r in again.reasons)


def test_prior_contacts_context_strengthens_existing_signal() -> None:
    text = "I'm still waiting for my refund."
    assert (
        assess(text, {"prior_contacts": 3}).signal("repeat_contact").score
        > assess(text).signal("repeat_contact").score
    )


def test_bad_context_values_are_ignored() -> None:
    assert assess("hello there", {"prior_contacts": "lots"}).signal("repeat_contact") is None


def test_abuse_is_high_for_abuse_aimed_at_staff() -> None:
    assert assess("You are useless idiots, fuck you").abuse >= 0.7
    assert assess("Thanks, the parcel arrived").abuse == 0.0
    aimed = assess("fuck you").abuse
    loose = assess("oh fuck, I forgot my password").abuse
    assert aimed > loose > 0.0
