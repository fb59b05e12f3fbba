"""HEAD answers like GET, without a body, on the read-only pages (require_safe).

Link checkers, uptime monitors and some proxies send HEAD; a 405 there reads
as a broken page. Pages that change something take POST only.
"""

from __future__ import annotations

import pytest

from tests.conftest import inbound

PAGES = [
    "/",
    "/c/{c}/",
    "/c/{c}/timeline/",
    "/manager/",
    "/notifications/",
    "/escalation/",
    "/escalation/approvals/",
    "/escalation/boundaries/",
    "/follow-up/",
    "/follow-up/recovery/",
    "/reputation/",
    "/insights/",
    "/insights/causes/",
    "/insights/team/",
]


@pytest.fixture
def conversation_id(org):
    from calmdesk.actions import receive

    return receive(inbound(team="orders"), assess=False).conversation_id


@pytest.mark.parametrize("path", PAGES)
def test_read_only_pages_answer_head(client, org, conversation_id, path):
    client.force_login(org.morgan.user)
    url = path.format(c=conversation_id)
    get = client.get(url)
    assert get.status_code == 200, url
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"", url
