"""Customer text never becomes markup: bodies, HTML parts, subjects and names.

The browser half (tests/web/test_browser.py) loads the same pages in
Chromium and checks that nothing ran; this half checks the HTML itself.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from calmdesk.web.timeline import highlight, safe_html
from tests.web.conftest import make_conversation
from tests.web.xss import PAYLOADS


def hostile_desk(org):
    """One conversation per payload, the payload everywhere customer text goes."""
    made = []
    for i, payload in enumerate(PAYLOADS):
        body = f"Before {payload} after"
        made.append(
            make_conversation(
                team="orders",
                name=f"{payload} #{i}"[:200],
                email=f"x{i}@example.com",
                subject=payload[:300],
                body=body,
                body_html=f'<p>{payload}</p><a href="https://example.com/{i}">ok link</a>',
                level="hostile",
                difficulty=90,
                evidence={"insult": [payload]},
            )
        )
    return made


class _Elements(HTMLParser):
    """Every element the browser would build from the page, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script",) and attrs.get("src") not in OUR_SCRIPTS:
            self.found.append(f"<script {attrs}>")
        if tag in FOREIGN_TAGS or (tag == "details" and attrs.get("class") != "rich"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
            if (
                name in ("href", "src", "action", "data", "formaction")
                and value
                and "javascript:" in "".join(value.split()).lower()
            ):
                self.found.append(f"<{tag} {name}={value}>")


OUR_SCRIPTS = {"/static/django_htmx/htmx-2.min.js", "/static/calmdesk/calmdesk.js"}
# Elements no page of ours has; in customer text they would be injected markup.
FOREIGN_TAGS = {"iframe", "object", "embed", "img", "math", "style", "frame", "base"}


def _unsafe(html: str) -> list[str]:
    """Markup from the corpus that survived as markup (not as escaped text)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    found = parser.found
    # The corpus's <svg> must not survive either: ours is the sparkline.
    found += [m for m in re.findall(r"<svg[^>]*>", html) if 'class="spark"' not in m]
    return found


@pytest.mark.parametrize("page", ["inbox", "conversation", "customer", "manager", "timeline"])
def test_pages_escape_the_corpus(client, org, page):
    made = hostile_desk(org)
    client.force_login(org.morgan.user)
    urls = {
        "inbox": [reverse("inbox")],
        "conversation": [reverse("conversation", args=[c.pk]) for c in made],
        "customer": [reverse("customer", args=[c.customer_id]) for c in made],
        "manager": [reverse("manager")],
        "timeline": [reverse("conversation_timeline", args=[c.pk]) for c in made],
    }[page]
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert _unsafe(html) == [], url
        if page == "inbox":
            assert "{{ 7*7 }} {% debug %}" in html  # shown as text, not evaluated


def test_highlight_escapes_each_piece():
    body = "<b>You</b> are <script>useless</script> & rude"
    a = {
        "signals": [
            {
                "kind": "insult",
                "evidence": [
                    {
                        "start": body.index("<script>"),
                        "end": body.index("</script>") + 9,
                        "text": "<script>useless</script>",
                    }
                ],
            }
        ]
    }
    html = str(highlight(body, a))
    assert html == (
        '&lt;b&gt;You&lt;/b&gt; are <mark class="ev ev-insult" title="Insult">'
        "&lt;script&gt;useless&lt;/script&gt;</mark> &amp; rude"
    )


def test_highlight_ignores_bad_spans_and_unknown_kinds():
    body = "fine text here"
    a = {
        "signals": [
            {
                "kind": '"><img src=x onerror=1>',
                "evidence": [{"start": 0, "end": 4, "text": "fine"}],
            },
            {
                "kind": "insult",
                "evidence": [
                    {"start": 5, "end": 999, "text": "x"},
                    {"start": 5, "end": 9, "text": "nope"},
                    {"start": "a", "end": 2},
                ],
            },
        ]
    }
    html = str(highlight(body, a))
    assert html == '<mark class="ev ev-other" title="Other">fine</mark> text here'


def test_overlapping_spans_are_split_not_nested():
    body = "THIRD time now"
    a = {
        "signals": [
            {"kind": "shouting", "evidence": [{"start": 0, "end": 5, "text": "THIRD"}]},
            {"kind": "repeat_contact", "evidence": [{"start": 0, "end": 10, "text": "THIRD time"}]},
        ]
    }
    html = str(highlight(body, a))
    assert (
        html.count("<mark") == 2
        and '<mark class="ev ev-repeat_contact" title="Has written before, Shouting">THIRD</mark>'
        in html
    )


def test_safe_html_resanitizes_stored_html():
    dirty = (
        '<p onclick="x()">Hi <a href="javascript:alert(1)">a</a> '
        '<a href="https://shop.example/o/1" target="_top">order</a><script>bad()</script>'
        '<img src="https://tracker.example/p.gif"></p>'
    )
    html = str(safe_html(dirty))
    assert "onclick" not in html and "javascript:" not in html and "<script" not in html
    assert "<img" not in html and "bad()" not in html
    assert 'href="https://shop.example/o/1"' in html and 'rel="noopener noreferrer"' in html


def test_pages_have_no_inline_script_or_style(client, org, desk):
    client.force_login(org.root.user)
    for url in [
        reverse("inbox"),
        reverse("conversation", args=[desk["hostile"].pk]),
        reverse("customer", args=[desk["hostile"].customer_id]),
        reverse("manager"),
        reverse("password_change"),
    ]:
        html = client.get(url).content.decode()
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.findall(r"\s(?:style|on[a-z]+)\s*=", html), url
    client.logout()
    html = client.get(reverse("login")).content.decode()
    assert not re.findall(r"\s(?:style|on[a-z]+)\s*=", html)


def test_content_security_policy_forbids_inline_script(client, org):
    client.force_login(org.alex.user)
    csp = client.get(reverse("inbox"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "style-src 'self'" in csp
