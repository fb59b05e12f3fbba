"""Review exports: CSV, JSON Lines and JSON files in the formats of common platforms.

Pure functions, no Django. Built on calmdesk.intake.files (line-numbered
RowErrors, time and rating parsing); this module adds the documented
column mappings (docs/reputation.md) and the review-specific fields the
generic importer has no place for (order reference, removal, edits).

    for where, item in iter_reviews(path, "trustpilot", default_location="harbour-street"):
        item -> ReviewRecord (then .inbound()) or RowError

A record without a review id gets a stable one from platform, location,
author and date (not the text), so an edited review imported again is
recognised as the same review and recorded as a revision.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from calmdesk.intake.files import (
    MAX_BODY_CHARS,
    FileFormatError,
    RowError,
    _decoded_lines,
    csv_records,
    parse_rating,
    parse_time,
)
from calmdesk.intake.types import (
    Inbound,
    InboundCustomer,
    InboundError,
    strip_controls,
    url_problem,
)

MAX_ID_CHARS = 200
GENERIC: dict[str, tuple[str, ...]] = {
    "external_id": ("review_id", "id", "external_id"),
    "rating": ("rating", "stars", "star_rating", "score"),
    "author": ("author", "name", "reviewer", "user_name"),
    "body": ("text", "body", "review", "comment", "content"),
    "title": ("title", "subject"),
    "published_at": ("date", "created", "created_at", "published_at", "sent_at"),
    "location": ("location", "store", "store_code", "branch"),
    "url": ("url", "link", "review_url"),
    "email": ("email",),
    "handle": ("handle",),
    "order_ref": ("order", "order_number", "order_ref", "reference"),
    "status": ("status", "state"),
}
# Each format's own column names, tried before the generic ones.
FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "generic": {},
    "google": {
        "external_id": ("reviewid", "review_id"),
        "rating": ("starrating", "star_rating"),
        "author": ("reviewer.displayname", "reviewer_name", "reviewer"),
        "body": ("comment", "review_text"),
        "published_at": ("createtime", "create_time", "review_date"),
        "location": ("store_code", "storecode", "location_name", "business_name"),
        "url": ("review_url", "reviewurl"),
    },
    "trustpilot": {
        "external_id": ("review_id", "id"),
        "rating": ("review_stars", "stars"),
        "author": ("review_consumer_user_name", "consumer_name", "consumer.displayname"),
        "body": ("review_content", "text"),
        "title": ("review_title", "title"),
        "published_at": ("review_created_utc", "createdat", "created_at"),
        "location": ("business_unit", "location_name", "location.name"),
        "url": ("review_url", "links.0.href"),
        "email": ("review_consumer_email", "consumer_email"),
        "order_ref": ("reference_id", "referenceid"),
    },
    "yelp": {
        "external_id": ("id", "review_id"),
        "rating": ("rating",),
        "author": ("user.name", "user_name"),
        "body": ("text",),
        "published_at": ("time_created",),
        "location": ("business_alias", "business.alias", "business_id"),
        "url": ("url",),
    },
}
REVIEW_FORMATS = tuple(FORMATS)
REMOVED_STATES = {"removed", "deleted", "hidden", "taken_down"}
_GOOGLE_STARS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_ORDER_RE = re.compile(
    r"\b(?:order|ord|ref|reference|booking)\s*(?:no\.?|number|#|:)?\s*#?\s*([A-Z0-9][A-Z0-9-]{3,19})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReviewRecord:
    """One review or mention, as the platform described it."""

    platform: str
    external_id: str
    body: str
    location: str
    author: str = ""
    rating: int | None = None
    title: str = ""
    published_at: datetime | None = None
    url: str = ""
    email: str = ""
    handle: str = ""
    order_ref: str = ""
    removed: bool = False
    kind: str = "review"  # or "mention"

    @property
    def channel(self) -> str:
        return "review" if self.kind == "review" else "social"

    @property
    def message_id(self) -> str:
        """The (channel, external_id) key `receive` deduplicates on."""
        key = f"{self.platform}:{self.external_id}"
        return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    def inbound(self) -> Inbound:
        if self.kind == "review":
            name = self.author or "Anonymous reviewer"
            review_name = self.author or f"anonymous-{self.external_id[-12:]}"
            customer = InboundCustomer(name=name, email=self.email, review_name=review_name)
        else:
            site = urlsplit(self.url).hostname or self.platform
            handle = self.handle or self.author or site
            if ":" not in handle:
                handle = f"{self.platform}:{handle}"
            customer = InboundCustomer(name=self.author or site, email=self.email, handle=handle)
        inbound = Inbound(
            channel=self.channel,
            body=self.body,
            customer=customer,
            external_id=self.message_id,
            subject=self.title or subject_for(self),
            sent_at=self.published_at,
            thread_id=self.message_id,  # one conversation per review or mention
            location=self.location,
            rating=self.rating,
            url=self.url,
        )
        inbound.validate()
        return inbound


def subject_for(record: ReviewRecord) -> str:
    stars = f"{record.rating}★ " if record.rating else ""
    noun = "review" if record.kind == "review" else "mention"
    return f"{stars}{noun} on {record.platform.title()}"


def find_order_ref(text: str) -> str:
    """An order number written in the text ('order #4411', 'ref: AB-1234'), if any."""
    match = _ORDER_RE.search(text or "")
    return match.group(1) if match and any(ch.isdigit() for ch in match.group(1)) else ""


# --- one record ---------------------------------------------------------------


def normalize_key(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "_", str(name).strip().lower()).strip("_")


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"user": {"name": "Ann"}} -> {"user.name": "Ann"}; lists by index."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{normalize_key(key)}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for i, v in enumerate(value[:5]):
                out.update(flatten(v, f"{name}.{i}."))
        else:
            out[name] = value
    return out


def _pick(record: Mapping[str, Any], fmt: str, field: str) -> Any:
    for alias in FORMATS[fmt].get(field, ()) + GENERIC.get(field, ()):
        value = record.get(alias)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def _text(value: Any, field: str, limit: int = 2000) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InboundError(f"{field} must be text, not {type(value).__name__}")
    text = strip_controls(str(value)).strip()  # a Review row stores it as given here
    if len(text) > limit:
        raise InboundError(f"{field} is over {limit:,} characters")
    return text


def review_rating(value: Any) -> int | None:
    """1-5 from a number, 'FOUR' (Google), '4/5', '4 stars' or '★★★★'."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _GOOGLE_STARS:
            return _GOOGLE_STARS[text]
        if text and set(text) <= {"★", "☆", " "}:
            return parse_rating(text.count("★"))
        text = re.sub(r"\s*(?:/\s*5|stars?|out of 5)\s*$", "", text)
        return parse_rating(text)
    return parse_rating(value)


def review_time(value: str, tz: tzinfo) -> datetime | None:
    # Google gives nanoseconds ("...:00.123456789Z"); Python reads at most six digits.
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)
    # also refuses a time a message cannot have, before the review's id is made from it
    return parse_time(value, tz, name="date")


def parse_review(
    data: Mapping[str, Any],
    fmt: str = "generic",
    *,
    default_location: str = "",
    platform: str = "",
    kind: str = "review",
    default_tz: tzinfo = UTC,
) -> ReviewRecord:
    """One review (a flat or nested mapping in format `fmt`) -> ReviewRecord."""
    if fmt not in FORMATS:
        raise InboundError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    record = flatten(data)
    rating = review_rating(_pick(record, fmt, "rating"))
    body = _text(_pick(record, fmt, "body"), "text", MAX_BODY_CHARS).replace("\r\n", "\n")
    status = _text(_pick(record, fmt, "status"), "status").lower()
    removed = status in REMOVED_STATES
    if not body:
        if rating is None and not removed:
            raise InboundError("no text and no rating")
        body = f"({rating}-star rating, no text)" if rating else "(no text)"
    author = _text(_pick(record, fmt, "author"), "author", 200)
    location = _text(_pick(record, fmt, "location"), "location", 200) or default_location
    if not location:
        raise InboundError("no location: add a location column or pass a default location")
    published = review_time(_text(_pick(record, fmt, "published_at"), "date"), default_tz)
    email = _text(_pick(record, fmt, "email"), "email", 320).lower()
    if email and ("@" not in email or " " in email):
        raise InboundError(f"email {email!r} is not an email address")
    url = _text(_pick(record, fmt, "url"), "url", 1000)
    if problem := url_problem(url):
        raise InboundError(problem)
    platform = platform or ("generic" if fmt == "generic" else fmt)
    external_id = _text(_pick(record, fmt, "external_id"), "review id", 1000)
    if fmt == "google" and not external_id and "/reviews/" in str(record.get("name", "")):
        external_id = str(record["name"])  # the API's resource name: accounts/…/reviews/ID
    if fmt == "google" and "/reviews/" in external_id:
        external_id = external_id.rsplit("/", 1)[-1]
    if not external_id:
        who = author or email or body
        when = published.astimezone(UTC).isoformat() if published else ""
        key = "\x1f".join((platform, location.lower(), who.lower(), when))
        external_id = "h" + hashlib.sha256(key.encode()).hexdigest()[:32]
    elif len(external_id) > MAX_ID_CHARS:
        external_id = "h" + hashlib.sha256(external_id.encode()).hexdigest()[:32]
    order = _text(_pick(record, fmt, "order_ref"), "order", 100) or find_order_ref(body)
    return ReviewRecord(
        platform=platform,
        external_id=external_id,
        body=body,
        location=location,
        author=author,
        rating=rating,
        title=_text(_pick(record, fmt, "title"), "title", 300),
        published_at=published,
        url=url,
        email=email,
        handle=_text(_pick(record, fmt, "handle"), "handle", 200),
        order_ref=order,
        removed=removed,
        kind=kind,
    )


# --- files --------------------------------------------------------------------

ReviewRow = tuple[str, ReviewRecord | RowError]


def iter_reviews(
    path: str | Path,
    fmt: str = "generic",
    *,
    default_location: str = "",
    platform: str = "",
    encoding: str = "utf-8",
    default_tz: tzinfo = UTC,
) -> Iterator[ReviewRow]:
    """Yield ("line N" / "item N", ReviewRecord or RowError) for a .csv/.tsv,
    .jsonl or .json file. FileFormatError before the first row when the file
    cannot be used at all (missing, unknown kind, no text or rating column)."""
    if fmt not in FORMATS:
        raise FileFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".jsonl", ".ndjson", ".json"):
        raise FileFormatError(f"cannot import {path.name!r}: expected .csv, .tsv, .jsonl or .json")
    if not path.is_file():
        raise FileFormatError(f"{'not a file' if path.exists() else 'no such file'}: {path}")
    opts = {"default_location": default_location, "platform": platform, "default_tz": default_tz}

    def row(where: str, number: int, data: Any) -> ReviewRow:
        if not isinstance(data, Mapping):
            return where, RowError(number, f"expected an object, got {type(data).__name__}")
        try:
            return where, parse_review(data, fmt, **opts)
        except InboundError as exc:
            return where, RowError(number, str(exc))

    if suffix == ".json":
        yield from _json_rows(path, encoding, row)
        return
    with path.open("rb") as handle:
        lines = _decoded_lines(handle, encoding)
        if suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(lines, start=1):
                if not line.text.strip():
                    continue
                if line.error:
                    yield f"line {number}", RowError(number, line.error)
                    continue
                try:
                    data = json.loads(line.text)
                except json.JSONDecodeError as exc:
                    yield f"line {number}", RowError(number, f"not valid JSON: {exc.msg}")
                    continue
                yield row(f"line {number}", number, data)
            return
        yield from _csv_rows(lines, fmt, suffix == ".tsv", row)


def _json_rows(path: Path, encoding: str, row) -> Iterator[ReviewRow]:
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(f"{path.name}: not valid JSON: {exc}") from None
    if isinstance(data, Mapping):
        data = next(
            (
                data[k]
                for k in ("reviews", "data", "items", "results")
                if isinstance(data.get(k), list)
            ),
            None,
        )
    if not isinstance(data, list):
        raise FileFormatError(f'{path.name}: expected a list of reviews (or {{"reviews": [...]}})')
    for index, item in enumerate(data, start=1):
        yield row(f"item {index}", index, item)


def _csv_rows(lines, fmt: str, tsv: bool, row) -> Iterator[ReviewRow]:
    raw_header, records = csv_records(lines, tsv)
    header = [normalize_key(h) for h in raw_header]
    wanted = set(
        FORMATS[fmt].get("body", ())
        + GENERIC["body"]
        + FORMATS[fmt].get("rating", ())
        + GENERIC["rating"]
    )
    if not wanted & set(header):
        raise FileFormatError(
            f"line 1: no text or rating column for the {fmt} format; the header has: "
            + ", ".join(repr(h) for h in header)
        )
    for start, values in records:
        if isinstance(values, RowError):
            yield f"line {start}", values
        else:
            yield row(f"line {start}", start, dict(zip(header, values, strict=False)))


def as_mention(record: ReviewRecord) -> ReviewRecord:
    return replace(record, kind="mention")
