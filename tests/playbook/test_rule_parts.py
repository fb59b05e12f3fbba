"""parts_needed: the rules answer the same when only the parts they could need are loaded.

The desk builds the view for the rules without the costly parts (the
customer's history, their other contacts, the abuse warnings: a few queries
each) and loads only those that `parts_needed` names. That is only right if
evaluate_rules then answers exactly as on the whole view; these tests check
it on many views and two policies (the default one, and one whose rules mix
costly conditions, read only costly ones, and stop).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook import evaluate_rules, load_policy
from calmdesk.playbook.rules import COSTLY, PARTS, _checks, parts_needed
from calmdesk.playbook.schema_ops import Condition, Rule
from calmdesk.playbook.views import ConversationView, CustomerView
from tests.playbook.conversations import inbound

SIGNALS = ("insult", "legal_threat", "escalation_request", "review_threat", "repeat_contact")
LEVELS = ("calm", "tense", "difficult", "hostile")


def _mixed_policy():
    policy = load_policy()

    def rule(name, stop=False, **when):
        return Rule(
            name=name,
            when=Condition(**when),
            then=[{"action": "escalate", "params": {"to": "lead"}}],
            stop=stop,
        )

    rules = [
        rule("only history", habitual=True),
        rule("history and level", habitual=False, level_at_least="difficult"),
        rule("warnings and a signal", min_abuse_warnings=2, any_signal=["insult"], stop=True),
        rule("contacts on chat", min_contacts=2, channels=["chat"]),
        rule("vip only", vip=True),
    ]
    return policy.model_copy(update={"rules": rules + list(policy.rules)})


POLICIES = (load_policy(), _mixed_policy())


def _blank(view: ConversationView) -> ConversationView:
    """The view as the desk first builds it: every costly part at its default."""
    return replace(
        view,
        customer=replace(view.customer, habitual=False, past_compensations=0, contact_count=1),
        abuse_warnings=0,
    )


def _only(view: ConversationView, parts: set[str]) -> ConversationView:
    """The blank view with the named parts taken from the whole one."""
    out = _blank(view)
    customer = out.customer
    if "history" in parts:
        customer = replace(
            customer,
            habitual=view.customer.habitual,
            past_compensations=view.customer.past_compensations,
        )
    if "contacts" in parts:
        customer = replace(customer, contact_count=view.customer.contact_count)
    out = replace(out, customer=customer)
    if "abuse_warnings" in parts:
        out = replace(out, abuse_warnings=view.abuse_warnings)
    return out


views = st.builds(
    lambda signals, level, channel, vip, sla, habitual, contacts, warnings: ConversationView(
        id="c1",
        channel=channel,
        subject="",
        customer=CustomerView(
            name="Dana", vip=vip, habitual=habitual, contact_count=contacts, past_compensations=2
        ),
        messages=[inbound("text", level=level, signals=tuple(signals))],
        level=level,
        difficulty={"calm": 10, "tense": 40, "difficult": 65, "hostile": 90}[level],
        sla_breached=sla,
        abuse_warnings=warnings,
    ),
    st.sets(st.sampled_from(SIGNALS)),
    st.sampled_from(LEVELS),
    st.sampled_from(("email", "chat", "review")),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(1, 4),
    st.integers(0, 3),
)


@settings(max_examples=400, deadline=None)
@given(views, st.sampled_from(POLICIES))
def test_rules_answer_the_same_with_only_the_parts_named(view, policy):
    needed = parts_needed(policy, _blank(view))
    assert needed <= PARTS
    whole = [(m.index, m.name) for m in evaluate_rules(view, policy)]
    assert [(m.index, m.name) for m in evaluate_rules(_only(view, needed), policy)] == whole


def test_a_calm_message_needs_only_the_contacts_under_the_default_policy():
    calm = ConversationView(
        id="c1",
        channel="email",
        subject="",
        customer=CustomerView(name="Dana"),
        messages=[inbound("Where is my order?", level="calm")],
        level="calm",
        difficulty=10,
    )
    # "Third contact about the same issue" reads only the contacts; the rules
    # that read the history (habitual claimant) ask for a tense message first.
    assert parts_needed(load_policy(), calm) == {"contacts"}
    tense = replace(calm, messages=[inbound("Still waiting.", level="tense")], level="tense")
    assert parts_needed(load_policy(), tense) == {"contacts", "history"}


def test_every_condition_is_checked_and_the_costly_ones_are_named():
    view = ConversationView(id="c1", channel="email", subject="", customer=CustomerView())
    names = set(_checks(Condition(vip=True), view))
    assert names == set(Condition.model_fields)
    assert set(COSTLY) <= names
