"""Discovery finds planted clusters among noise, labels them, and proposes them to a manager."""

import pytest

from calmdesk.insights.discovery import discover
from tests.insights.helpers import talk
from tests.insights.planted import PLANTED, planted_corpus

KEY_TERMS = {
    "voucher": {"voucher", "voucher code"},
    "loyalty": {"loyalty", "points", "loyalty points"},
    "price_match": {"price", "match", "price match"},
}


def _check(texts, truth, clusters):
    found = {}
    for c in clusters:
        names = [truth[i] for i in c.members]
        top = max(set(names), key=names.count)
        purity = names.count(top) / len(names)
        found[top] = (purity, names.count(top), c)
    for name in PLANTED:
        assert name in found, f"planted cluster {name} not found"
        purity, hits, cluster = found[name]
        assert purity >= 0.9 and hits >= 12, (name, purity, hits)
        assert KEY_TERMS[name] & set(cluster.terms), (name, cluster.terms)
        assert all(truth[i] == name for i in cluster.examples)
    assert "" not in found  # scattered one-off complaints are not a cause


def test_tfidf_discovery_finds_the_planted_clusters():
    texts, truth = planted_corpus()
    _check(texts, truth, discover(texts, features="tfidf"))


@pytest.mark.ml
def test_embedding_discovery_finds_the_planted_clusters():
    from calmdesk.insights.features import embeddings_available

    if not embeddings_available():
        pytest.skip("sentence embeddings need the calmdesk[ml] extra")
    texts, truth = planted_corpus(seed=11)
    _check(texts, truth, discover(texts, features="embeddings"))


def test_too_few_texts_give_no_clusters():
    assert discover(["one", "two", "three"], features="tfidf") == []


@pytest.mark.django_db
def test_weekly_discovery_proposes_and_a_manager_accepts(org, settings):
    from django.core.exceptions import PermissionDenied

    from calmdesk import actions
    from calmdesk.models import CauseProposal, ConversationCause

    settings.CALMDESK_CAUSE_FEATURES = "tfidf"
    texts, truth = planted_corpus(per_cluster=10, noise=12)
    convs = [talk(body=t, days_ago=3) for t in texts]
    actions.do_categorize()
    # planted complaints have no cue in the taxonomy: they are "other"
    assert ConversationCause.objects.filter(cause__key="other").count() >= 30
    proposals = actions.do_discover()
    assert len(proposals) >= 3
    assert actions.do_discover() == []  # the same clusters are not proposed twice
    gift = next(p for p in proposals if "voucher" in " ".join(p.terms))
    assert gift.size >= 7 and len(gift.examples) == 3

    with pytest.raises(PermissionDenied):
        actions.do_accept_proposal(org.lee, gift)  # a lead cannot decide
    cause = actions.do_accept_proposal(org.morgan, gift, label="Vouchers rejected")
    assert cause.key == "vouchers_rejected" and "voucher" in " ".join(cause.cues)
    moved = ConversationCause.objects.filter(cause=cause)
    gift_ids = {c.pk for c, t in zip(convs, truth, strict=True) if t == "voucher"}
    assert set(moved.values_list("conversation_id", flat=True)) <= gift_ids
    assert moved.count() == gift.size
    assert CauseProposal.objects.get(pk=gift.pk).status == "accepted"
    # new complaints about gift cards now match the new cause's cues
    new = talk(body="The voucher code is not working at all!")
    actions.do_categorize()
    assert ConversationCause.objects.get(conversation=new).cause_id == cause.pk
