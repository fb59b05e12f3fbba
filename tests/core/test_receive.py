from __future__ import annotations

import pytest

from calmdesk.actions import do_link_identity, do_merge_customers, do_reply, receive
from calmdesk.intake.types import InboundError
from calmdesk.models import Conversation, Customer, Event, Identity, Message, Status
from tests.conftest import inbound


def test_receive_stores_once_per_channel_and_external_id(org):
    first = receive(inbound(external_id="m-1"), assess=False)
    again = receive(inbound(external_id="m-1", body="changed body"), assess=False)
    assert first.created and not again.created
    assert (again.message_id, again.conversation_id) == (first.message_id, first.conversation_id)
    assert Message.objects.count() == 1
    assert Message.objects.get().body == "Where is my order?"
    # the same external id on another channel is another message
    other = receive(inbound(channel="chat", external_id="m-1"), assess=False)
    assert other.created and Message.objects.count() == 2


def test_receive_writes_audit_events(org):
    r = receive(inbound(external_id="m-1"), assess=False)
    kinds = set(
        Event.objects.filter(conversation_id=r.conversation_id).values_list("kind", flat=True)
    )
    assert {"conversation.created", "message.received"} <= kinds


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"channel": "fax"}, "unknown channel"),
        ({"body": "   "}, "body is empty"),
        ({"body": "x" * 1_000_001}, "over 1,000,000"),
        ({"customer": {"name": ""}}, "at least one of"),
        ({"customer": {"email": "not-an-email"}}, "not an email"),
        ({"customer": {"phone": "12"}}, "phone"),
        ({"location": "nowhere"}, "unknown location"),
        ({"team": "nope"}, "unknown team"),
    ],
)
def test_receive_rejects_bad_input_and_writes_nothing(org, kw, message):
    with pytest.raises(InboundError, match=message):
        receive(inbound(external_id="bad", **kw), assess=False)
    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 0
    assert Customer.objects.count() == 0


def test_one_customer_across_email_sms_and_linked_handle(org):
    email = receive(
        inbound(customer={"name": "Jane Roe", "email": "Jane.Roe@Example.com"}, external_id="e1"),
        assess=False,
    )
    both = receive(
        inbound(
            channel="sms",
            customer={
                "name": "Jane",
                "email": "jane.roe@example.com",
                "phone": "+1 (415) 555-0123",
            },
            body="Any news?",
            external_id="s1",
        ),
        assess=False,
    )
    sms_only = receive(
        inbound(channel="sms", customer={"phone": "415-555-0123"}, external_id="s2"), assess=False
    )
    assert email.customer_id == both.customer_id == sms_only.customer_id
    social = receive(
        inbound(channel="social", customer={"handle": "twitter:@JaneRoe"}, external_id="t1"),
        assess=False,
    )
    assert social.customer_id != email.customer_id  # unknown handle: a new customer until linked
    customer = Customer.objects.get(pk=email.customer_id)
    do_link_identity(org.alex, customer, "handle", "Twitter:@janeroe")
    later = receive(
        inbound(channel="social", customer={"handle": "twitter:janeroe"}, external_id="t2"),
        assess=False,
    )
    assert later.customer_id == customer.pk
    identities = set(customer.identities.values_list("kind", "value"))
    assert identities == {
        ("email", "jane.roe@example.com"),
        ("phone", "+14155550123"),
        ("handle", "twitter:janeroe"),
    }
    # the social-only customer was merged into Jane by the link
    assert Customer.objects.get(pk=social.customer_id).merged_into_id == customer.pk
    # email, SMS (the second SMS continues the first), social (likewise)
    assert Conversation.objects.filter(customer=customer).count() == 3


def test_merge_customers_moves_identities_and_conversations(org):
    a = receive(
        inbound(customer={"name": "A", "email": "a@example.com"}, external_id="a"), assess=False
    )
    b = receive(
        inbound(customer={"name": "B", "email": "b@example.com"}, external_id="b"), assess=False
    )
    keep, merge = Customer.objects.get(pk=a.customer_id), Customer.objects.get(pk=b.customer_id)
    do_merge_customers(org.morgan, keep=keep, merge=merge)
    assert Identity.objects.filter(customer=keep).count() == 2
    assert Conversation.objects.filter(customer=keep).count() == 2
    assert Event.objects.filter(kind="customer.merged", customer=keep).exists()
    # a message from B's address now lands on the kept customer
    again = receive(inbound(customer={"email": "b@example.com"}, external_id="b2"), assess=False)
    assert again.customer_id == keep.pk
    with pytest.raises(ValueError):
        do_merge_customers(org.morgan, keep=keep, merge=keep)


def test_email_threads_by_in_reply_to_and_subject_token(org, django_capture_on_commit_callbacks):
    first = receive(
        inbound(external_id="<orig@mail.example.com>", subject="Broken lamp"), assess=False
    )
    conv = Conversation.objects.get(pk=first.conversation_id)
    with django_capture_on_commit_callbacks(execute=True):
        reply = do_reply(org.alex, conv, "Sorry about the lamp, a new one ships today.")
    reply.refresh_from_db()
    assert reply.email_message_id  # stable Message-ID recorded at delivery
    by_header = receive(
        inbound(external_id="r1", subject="Re: Broken lamp", in_reply_to=reply.email_message_id),
        assess=False,
    )
    by_token = receive(
        inbound(external_id="r2", subject=f"Re: anything {conv.reference}"), assess=False
    )
    assert by_header.conversation_id == by_token.conversation_id == conv.pk
    unrelated = receive(inbound(external_id="r3", subject="New question"), assess=False)
    assert unrelated.conversation_id != conv.pk


def test_forged_subject_token_does_not_join_someone_elses_case(org):
    victim = receive(inbound(external_id="v1"), assess=False)
    conv = Conversation.objects.get(pk=victim.conversation_id)
    forged = receive(
        inbound(
            customer={"email": "mallory@example.com"},
            external_id="f1",
            subject=f"Re: {conv.reference}",
        ),
        assess=False,
    )
    assert forged.conversation_id != conv.pk


def test_chat_threads_by_thread_id_and_reviews_get_one_conversation_each(org):
    a = receive(inbound(channel="chat", thread_id="T1", external_id="c1"), assess=False)
    b = receive(inbound(channel="chat", thread_id="T1", external_id="c2"), assess=False)
    c = receive(inbound(channel="chat", thread_id="T2", external_id="c3"), assess=False)
    assert a.conversation_id == b.conversation_id != c.conversation_id
    r1 = receive(
        inbound(
            channel="review",
            customer={"name": "Mike T.", "review_name": "Mike T."},
            external_id="rev1",
            rating=1,
        ),
        assess=False,
    )
    r2 = receive(
        inbound(
            channel="review",
            customer={"name": "Mike T.", "review_name": "Mike T."},
            external_id="rev2",
            rating=4,
        ),
        assess=False,
    )
    assert r1.conversation_id != r2.conversation_id
    assert Conversation.objects.get(pk=r1.conversation_id).rating == 1


def test_a_new_message_reopens_a_resolved_conversation(org):
    from calmdesk.actions import do_set_status

    r = receive(inbound(channel="chat", thread_id="T", external_id="1"), assess=False)
    conv = Conversation.objects.get(pk=r.conversation_id)
    do_set_status(org.alex, conv, Status.RESOLVED)
    receive(
        inbound(channel="chat", thread_id="T", external_id="2", body="It broke again"), assess=False
    )
    conv.refresh_from_db()
    assert conv.status == Status.OPEN and conv.awaiting_reply
    assert Event.objects.filter(kind="conversation.reopened", conversation=conv).exists()


def test_auto_replies_are_stored_but_do_not_reopen(org):
    from calmdesk.actions import do_set_status

    r = receive(inbound(channel="chat", thread_id="T", external_id="1"), assess=False)
    conv = Conversation.objects.get(pk=r.conversation_id)
    do_set_status(org.alex, conv, Status.RESOLVED)
    receive(
        inbound(
            channel="chat",
            thread_id="T",
            external_id="2",
            body="I am out of office",
            auto_submitted=True,
        ),
        assess=False,
    )
    conv.refresh_from_db()
    assert conv.status == Status.RESOLVED
    assert conv.messages.count() == 2


def test_assessment_runs_after_commit_and_sets_conversation_difficulty(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calm = receive(
            inbound(external_id="calm", body="Thanks, the parcel arrived and it's lovely.")
        )
    with django_capture_on_commit_callbacks(execute=True):
        angry = receive(
            inbound(
                customer={"email": "angry@example.com"},
                external_id="angry",
                body="This is the THIRD time I'm writing. You are useless idiots. Cancel my account or I post this everywhere!!!",
            )
        )
    m = Message.objects.get(pk=angry.message_id)
    assert m.assessed_at is not None and m.assessment["signals"]
    c_calm = Conversation.objects.get(pk=calm.conversation_id)
    c_angry = Conversation.objects.get(pk=angry.conversation_id)
    assert c_angry.difficulty > c_calm.difficulty
    assert c_angry.level in ("difficult", "hostile")
    assert c_angry.top_reason


@pytest.mark.django_db
@pytest.mark.parametrize("stop", ["STOP", " stop ", "Unsubscribe", "STOP."])
def test_sms_stop_opts_out_of_automatic_messages_and_start_opts_back_in(org, stop):
    from calmdesk.actions.surveys import unsubscribed
    from calmdesk.models import Direction, Message

    phone = {"phone": "+14155550188"}
    first = receive(inbound(channel="sms", customer=phone, body="Where is my order?"), assess=False)
    assert not unsubscribed(first.customer_id)
    off = receive(
        inbound(channel="sms", customer=phone, body=stop, external_id="s-stop"), assess=False
    )
    assert off.conversation_id == first.conversation_id and unsubscribed(first.customer_id)
    notes = Message.objects.filter(conversation_id=first.conversation_id, direction=Direction.NOTE)
    assert [n.body.split(":")[0] for n in notes] == [
        f"The customer texted {stop.strip(' .').upper()}"
    ]
    # the STOP text itself is kept like any message
    assert Message.objects.filter(pk=off.message_id, direction=Direction.IN).exists()
    receive(
        inbound(channel="sms", customer=phone, body="START", external_id="s-start"), assess=False
    )
    assert not unsubscribed(first.customer_id) and notes.all().count() == 2


@pytest.mark.django_db
def test_stop_inside_a_sentence_or_by_email_is_just_a_message(org):
    from calmdesk.actions.surveys import unsubscribed

    phone = {"phone": "+14155550199"}
    sms = receive(
        inbound(channel="sms", customer=phone, body="Please stop charging my card twice"),
        assess=False,
    )
    email = receive(inbound(body="STOP", external_id="e-stop"), assess=False)
    assert not unsubscribed(sms.customer_id) and not unsubscribed(email.customer_id)
