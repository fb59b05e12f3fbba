"""Mention feeds served by a local HTTP server: conditional GET, failures with
backoff, and a scheduler that never crashes because of a feed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from calmdesk.intake.feeds import fetch_feed

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Mentions</title>
<item><guid>m-1</guid><title>Harbour Street queue</title>
<description>&lt;p&gt;Forty minutes in the queue at Harbour Street, staff were rude. Never again.&lt;/p&gt;</description>
<link>https://blog.example/post/1</link><author>pat@blog.example (Pat)</author>
<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>
<item><guid>m-2</guid><title>Lovely coffee</title><description>Great coffee corner at Harbour Street!</description>
<link>https://blog.example/post/2</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-03-02T10:00:00Z</updated>
<entry><id>urn:a:1</id><title>Northgate</title><updated>2026-03-02T10:00:00Z</updated><summary>Friendly team at Northgate.</summary></entry>
</feed>"""
ETAG = '"v1"'
MODIFIED = "Mon, 02 Mar 2026 10:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the http.server API)
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/rss":
            if (
                self.headers.get("If-None-Match") == ETAG
                or self.headers.get("If-Modified-Since") == MODIFIED
            ):
                self.send_response(304)
                self.end_headers()
                return
            self._send(RSS, etag=ETAG, modified=MODIFIED)
        elif self.path == "/atom":
            self._send(ATOM)
        elif self.path == "/500":
            self.send_response(500)
            self.end_headers()
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop-a" if self.path == "/loop-b" else "/loop-b")
            self.end_headers()
        elif self.path == "/huge":
            self._send(b"<rss>" + b"x" * 300_000)
        elif self.path == "/malformed":
            self._send(b"<rss><channel><item><title>oops</title></chan")
        elif self.path == "/html":
            self._send(b"<html><body>Not a feed</body></html>")
        elif self.path == "/inside":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/rss")
            self.end_headers()
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes, etag: str = "", modified: str = ""):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_rss_entries_and_conditional_get(server):
    result = fetch_feed(f"{server}/rss", allow_private=True)
    assert (
        result.ok
        and result.status == 200
        and result.etag == ETAG
        and result.last_modified == MODIFIED
    )
    first = result.entries[0]
    assert first.id == "m-1" and first.link == "https://blog.example/post/1"
    assert first.text.startswith("Forty minutes") and "<p>" not in first.text
    assert first.published == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    again = fetch_feed(
        f"{server}/rss", etag=result.etag, last_modified=result.last_modified, allow_private=True
    )
    assert again.not_modified and again.ok and again.entries == []


def test_atom(server):
    result = fetch_feed(f"{server}/atom", allow_private=True)
    assert result.ok and [e.id for e in result.entries] == ["urn:a:1"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/500", "HTTP 500"),
        ("/loop-a", "redirect loop"),
        ("/huge", "over 100,000 bytes"),
        ("/malformed", "not a valid RSS/Atom feed"),
        ("/html", "not"),
        ("/to-file", "not allowed"),
        ("/missing", "HTTP 404"),
    ],
)
def test_bad_feeds_are_reported_never_raised(server, path, words):
    result = fetch_feed(f"{server}{path}", max_bytes=100_000, timeout=5, allow_private=True)
    assert not result.ok and words in result.error


def test_non_http_urls_are_refused():
    assert "http" in fetch_feed("file:///etc/passwd").error


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]"],
)
def test_private_and_internal_addresses_are_refused(server, host):
    port = server.rsplit(":", 1)[1]
    Handler.hits.pop("/rss", None)
    result = fetch_feed(f"http://{host}:{port}/rss", timeout=2)
    assert not result.ok and result.error.startswith("refused:")
    assert "private or reserved address" in result.error
    assert Handler.hits.get("/rss") is None  # nothing reached the server


def test_public_and_private_address_classes():
    from calmdesk.intake import netguard

    assert netguard.is_public("93.184.216.34") and netguard.is_public("2606:4700::1111")
    for inside in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "100.64.0.1", "0.0.0.0", "fe80::1"):  # noqa: S104
        assert not netguard.is_public(inside), inside
    assert not netguard.is_public("::ffff:10.0.0.1") and not netguard.is_public("224.0.0.1")


def test_a_redirect_to_an_inside_address_is_refused(server, monkeypatch):
    # Let the first hop through (the test server can only be local), then
    # check that the redirect it answers with meets the same guard.
    from calmdesk.intake import netguard

    real, hops = netguard.is_public, []

    def first_hop_public(address):
        hops.append(address)
        return len(hops) == 1 or real(address)

    monkeypatch.setattr(netguard, "is_public", first_hop_public)
    Handler.hits.pop("/rss", None)
    result = fetch_feed(f"{server}/inside", timeout=2)
    assert len(hops) >= 2 and not result.ok and result.error.startswith("refused:")
    assert Handler.hits.get("/inside") == 1 and Handler.hits.get("/rss") is None


@pytest.mark.django_db
def test_polling_a_private_address_fails_unless_the_setting_allows_it(stores, server, settings):
    from calmdesk.actions.reputation import do_create_source, do_poll_feed

    source, _ = do_create_source(
        None,
        "Intranet feed",
        "feed",
        platform="web",
        location=stores["locations"]["harbour-street"],
        url=f"{server}/atom",
        poll_minutes=30,
    )
    settings.CALMDESK_FEED_ALLOW_PRIVATE = False
    refused = do_poll_feed(source)
    assert refused.status == "failed" and any("refused" in e for e in refused.errors)
    settings.CALMDESK_FEED_ALLOW_PRIVATE = True
    assert do_poll_feed(source).status == "ok"


@pytest.fixture
def feed(stores, server, settings):
    from calmdesk.actions.reputation import do_create_source

    settings.CALMDESK_FEED_ALLOW_PRIVATE = True  # the test server is on 127.0.0.1

    def make(path: str, name: str = "Blog mentions"):
        source, key = do_create_source(
            None,
            name,
            "feed",
            platform="web",
            location=stores["locations"]["harbour-street"],
            url=f"{server}{path}",
            poll_minutes=30,
        )
        assert key == ""
        return source

    return make


@pytest.mark.django_db
def test_polling_takes_mentions_in_once_and_sends_the_etag_back(
    feed, django_capture_on_commit_callbacks
):
    from calmdesk.actions.reputation import do_poll_feed
    from calmdesk.models import Review

    source = feed("/rss")
    with django_capture_on_commit_callbacks(execute=True):
        result = do_poll_feed(source)
    assert result.status == "ok" and result.new == 2
    source.refresh_from_db()
    assert (
        source.etag == ETAG and source.failures == 0 and source.next_poll_at > source.last_polled_at
    )
    mention = Review.objects.get(external_id="m-1")
    assert mention.kind == "mention" and mention.conversation.channel == "social"
    assert mention.location.slug == "harbour-street" and mention.negative
    assert do_poll_feed(source).status == "not modified"
    assert Review.objects.count() == 2


@pytest.mark.django_db
def test_a_failing_feed_backs_off_alerts_once_and_recovers(feed, settings):
    from calmdesk.actions.reputation import do_poll_feed
    from calmdesk.models import AlertKind, ReputationAlert

    settings.CALMDESK_FEED_MAX_BACKOFF_MINUTES = 30
    source = feed("/500")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    waits = []
    for _ in range(5):
        do_poll_feed(source, now)
        source.refresh_from_db()
        waits.append(int((source.next_poll_at - now).total_seconds() // 60))
        now = source.next_poll_at
    assert waits == [5, 10, 20, 30, 30]
    assert source.failures == 5 and "HTTP 500" in source.last_error
    assert ReputationAlert.objects.filter(kind=AlertKind.FEED_FAILING, source=source).count() == 1
    source.url = source.url.replace("/500", "/atom")
    source.save(update_fields=["url"])
    do_poll_feed(source, now)
    source.refresh_from_db()
    assert source.failures == 0 and source.next_poll_at == now + timedelta(minutes=30)


@pytest.mark.django_db
def test_the_scheduler_survives_every_kind_of_broken_feed(feed, monkeypatch):
    from calmdesk.jobs.reputation import PERIODIC
    from calmdesk.models import ReviewSource
    from calmdesk.scheduler import InProcessScheduler

    for path in ("/500", "/loop-a", "/huge", "/malformed", "/atom"):
        feed(path, name=f"feed {path}")
    import calmdesk.actions.reputation.sources as sources

    real = sources.do_poll_feed

    def explode_once(source, now=None):
        if source.url.endswith("/malformed"):
            raise RuntimeError("database hiccup")
        return real(source, now)

    monkeypatch.setattr(sources, "do_poll_feed", explode_once)
    scheduler = InProcessScheduler({"reputation-poll-feeds": PERIODIC["reputation-poll-feeds"]})
    assert scheduler.run_due() == ["reputation-poll-feeds"]
    states = dict(ReviewSource.objects.values_list("name", "failures"))
    assert states == {
        "feed /500": 1,
        "feed /loop-a": 1,
        "feed /huge": 1,
        "feed /malformed": 1,
        "feed /atom": 0,
    }
    assert "database hiccup" in ReviewSource.objects.get(name="feed /malformed").last_error


def test_a_mention_keeps_no_control_characters():
    """A Review row stores a mention's fields as given: NUL would fail on PostgreSQL."""
    from calmdesk.intake.feeds import FeedEntry, mention_record

    entry = FeedEntry(
        id="tag:x\x00,1",
        title="Bad\x00 service",
        text="Waited\x07 an hour\x00 for nothing",
        link="https://example.com/p/1",
        author="Ann\x00",
        published=None,
    )
    record = mention_record(entry, platform="rss", location="harbour-street")
    fields = (record.external_id, record.title, record.body, record.author)
    assert fields == (
        "tag:x,1",
        "Bad service",
        "Bad service\n\nWaited an hour for nothing",
        "Ann",
    )
