"""RSS/Atom mention feeds: fetch with conditional GET, parse with feedparser.

Pure functions, no Django. `fetch_feed` never raises for a bad feed: it
returns a FeedResult with `error` set (HTTP error, redirect loop, timeout,
oversized body, malformed XML with no entries), so a scheduler polling many
feeds is never brought down by one. The caller stores etag/last_modified
and sends them back; a 304 comes back as `not_modified`.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import http.client
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from calmdesk.intake.netguard import BlockedAddress, http_handlers
from calmdesk.intake.reviews import ReviewRecord, find_order_ref
from calmdesk.intake.types import strip_controls

MAX_REDIRECTS = 5
USER_AGENT = "Calmdesk feed reader (+https://github.com/calmdesk)"
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    text: str
    link: str
    author: str
    published: datetime | None


@dataclass(frozen=True)
class FeedResult:
    status: int | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    error: str = ""
    warning: str = ""  # e.g. the XML was not well-formed but entries were read

    @property
    def ok(self) -> bool:
        return not self.error


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, "redirect to a non-HTTP address", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(allow_private: bool = False) -> urllib.request.OpenerDirector:
    # Only HTTP(S): no file://, ftp:// or data: from a feed URL or a redirect;
    # and only public addresses unless the caller allows private ones (netguard).
    opener = urllib.request.OpenerDirector()
    for handler in (
        *http_handlers(allow_private),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_feed(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 15.0,
    max_bytes: int = 5_000_000,
    allow_private: bool = False,
) -> FeedResult:
    """GET the feed (conditionally) and parse it. Never raises for feed problems.

    A host that resolves to a private, loopback, link-local or reserved
    address is refused (see netguard) unless `allow_private` is true.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        return FeedResult(error=f"not an http(s) URL: {url!r}")
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with _opener(allow_private).open(request, timeout=timeout) as response:
            status = response.status
            body = response.read(max_bytes + 1)
            new_etag = response.headers.get("ETag", "") or ""
            new_modified = response.headers.get("Last-Modified", "") or ""
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FeedResult(status=304, not_modified=True, etag=etag, last_modified=last_modified)
        reason = str(exc.reason or "error")
        if 300 <= exc.code < 400 and "loop" in reason.lower():
            reason = "redirect loop"
        return FeedResult(status=exc.code, error=f"HTTP {exc.code}: {reason}")
    except TimeoutError:
        return FeedResult(error=f"timed out after {timeout:g} s")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, BlockedAddress):
            return FeedResult(error=f"refused: {reason}")
        return FeedResult(error=f"cannot fetch: {reason}")
    if len(body) > max_bytes:
        return FeedResult(status=status, error=f"the feed is over {max_bytes:,} bytes")
    return parse_feed(body, status=status, etag=new_etag, last_modified=new_modified)


def parse_feed(
    body: bytes, *, status: int | None = 200, etag: str = "", last_modified: str = ""
) -> FeedResult:
    import feedparser
    from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

    try:
        parsed = feedparser.parse(body)
    except Exception as exc:  # feedparser is lenient, but never let it take the poller down
        return FeedResult(status=status, error=f"cannot parse the feed: {exc}")
    entries = [_entry(e) for e in parsed.entries]
    entries = [e for e in entries if e.text or e.title]
    warning = ""
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = str(exc or "not well-formed")[:300]
        # A wrong charset or content type is survivable; broken XML is not:
        # what feedparser salvages from it is guesswork.
        if not entries or not isinstance(exc, CharacterEncodingOverride | NonXMLContentType):
            return FeedResult(status=status, error=f"not a valid RSS/Atom feed: {problem}")
        warning = f"{problem}; {len(entries)} entries read"
    elif not parsed.get("version") and not entries:
        return FeedResult(status=status, error="not an RSS or Atom feed")
    return FeedResult(
        status=status, entries=entries, etag=etag, last_modified=last_modified, warning=warning
    )


def html_to_text(value: str) -> str:
    text = _TAG.sub(" ", value or "")
    return " ".join(html.unescape(text).split())


def _entry(e) -> FeedEntry:
    title = html_to_text(e.get("title", ""))[:300]
    text = html_to_text(e.get("summary", "") or e.get("description", ""))
    if not text and e.get("content"):
        text = html_to_text(e["content"][0].get("value", ""))
    link = e.get("link", "") or ""
    if urlsplit(link).scheme not in ("http", "https"):
        link = ""
    published = None
    stamp = e.get("published_parsed") or e.get("updated_parsed")
    if stamp:
        published = datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)
    ident = str(e.get("id") or link or "")
    if not ident:
        ident = "h" + hashlib.sha256(f"{title}\x1f{text}".encode()).hexdigest()[:32]
    return FeedEntry(
        id=ident[:200]
        if len(ident) <= 200
        else "h" + hashlib.sha256(ident.encode()).hexdigest()[:32],
        title=title,
        text=text,
        link=link[:1000],
        author=html_to_text(e.get("author", ""))[:200],
        published=published,
    )


def mention_record(entry: FeedEntry, *, platform: str, location: str) -> ReviewRecord:
    """A feed entry as a mention at `location` (control characters removed: a
    Review row stores these fields as they are here)."""
    text, title = strip_controls(entry.text or ""), strip_controls(entry.title or "")
    body = text if text else title
    if title and text and not text.startswith(title[:40]):
        body = f"{title}\n\n{text}"
    return ReviewRecord(
        platform=platform,
        external_id=strip_controls(entry.id),
        body=body[:100_000],
        location=location,
        author=strip_controls(entry.author or ""),
        title=title,
        published_at=entry.published,
        url=entry.link,
        order_ref=find_order_ref(body),
        kind="mention",
    )
