"""assess_conversation: the trajectory of a conversation."""

from __future__ import annotations

import pytest

from calmdesk.analysis import Trajectory, assess, assess_conversation

CALM = "Hi, my parcel has not arrived yet, could you check?"
TENSE = "I'm still waiting. This is the third time I write, this is ridiculous."
HOSTILE = "Useless idiots. Cancel my account, I'm calling my lawyer and my bank for a chargeback!!!"


def test_escalating_conversation() -> None:
    t = assess_conversation([CALM, TENSE, HOSTILE])
    assert isinstance(t, Trajectory)
    assert t.trend == "escalating"
    assert t.peak is not None and t.peak.index == 2
    assert t.current == t.peak.difficulty == assess(HOSTILE).difficulty
    assert t.difficulties == [assess(m).difficulty for m in (CALM, TENSE, HOSTILE)]
    assert t.level == "hostile"


def test_cooling_conversation_with_replies() -> None:
    t = assess_conversation(
        [
            (HOSTILE, "in"),
            ("I apologize, I have refunded you and escalated this.", "out"),
            {"text": "OK thank you, that is sorted then. Appreciate it.", "direction": "inbound"},
        ]
    )
    assert t.trend == "cooling"
    assert t.peak.index == 0
    assert t.difficulties[1] is None  # the team's reply does not move the trajectory
    assert t.directions == ["in", "out", "in"]
    assert t.current == t.difficulties[2] < t.difficulties[0]
    assert len(t.assessments) == 3


def test_steady_and_single_and_empty() -> None:
    assert assess_conversation([CALM, CALM]).trend == "steady"
    single = assess_conversation([TENSE])
    assert single.trend == "steady" and single.peak.index == 0
    empty = assess_conversation([])
    assert empty.trend == "steady" and empty.peak is None and empty.current == 0
    only_agent = assess_conversation([("hello", "out")])
    assert only_agent.peak is None and only_agent.difficulties == [None]


def test_dict_messages_accept_body() -> None:
    t = assess_conversation([{"body": TENSE}])
    assert t.current == assess(TENSE).difficulty


def test_to_dict() -> None:
    d = assess_conversation([CALM, HOSTILE]).to_dict()
    assert d["trend"] == "escalating"
    assert d["peak"] == {"index": 1, "difficulty": d["difficulties"][1]}
    assert len(d["assessments"]) == 2


@pytest.mark.parametrize("bad", [42, ("text",), {"direction": "in"}, (b"bytes", "in")])
def test_bad_messages_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match=r"messages\[0\]"):
        assess_conversation([bad])


def test_bad_direction_raises_value_error() -> None:
    with pytest.raises(ValueError, match="direction"):
        assess_conversation([("hello", "sideways")])
