"""File intake: CSV and JSON Lines exports (reviews, social mentions, chats, email).

Pure functions, no Django. `iter_rows(path, channel)` yields
(line number, Inbound | RowError) for every record, so one broken row is
reported with its line number while the good ones are kept. The columns
are documented in docs/intake.md; the file itself being unusable (missing,
unknown extension, no header, no body column) raises FileFormatError.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from calmdesk.intake.types import (
    MAX_BODY_CHARS,
    Inbound,
    InboundCustomer,
    InboundError,
    sent_at_problem,
)

FILE_CHANNELS = ("review", "social", "chat", "email", "sms")
CSV_EXTENSIONS = (".csv", ".tsv")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
MAX_EXTERNAL_ID_CHARS = 255
MAX_FIELD_CHARS = 2_000_000
# How many physical lines one CSV record may span (quoted fields may hold
# newlines). A quote still open after this many lines, or at the end of the
# file, breaks only the line it opened on: reading resumes on the next line,
# so one stray quote cannot swallow the rest of the file.
MAX_RECORD_LINES = 200
# Column -> Inbound field; the first listed name is the documented one.
COLUMNS: dict[str, tuple[str, ...]] = {
    "body": ("body", "text"),
    "external_id": ("external_id", "id"),
    "name": ("name", "author"),
    "email": ("email",),
    "phone": ("phone",),
    "handle": ("handle",),
    "subject": ("subject", "title"),
    "sent_at": ("sent_at", "date"),
    "thread_id": ("thread_id",),
    "location": ("location",),
    "team": ("team",),
    "rating": ("rating",),
    "url": ("url",),
}
_CUSTOMER_FIELDS = ("name", "email", "phone", "handle")
_ALIASES = {alias: key for key, names in COLUMNS.items() for alias in names}


class FileFormatError(InboundError):
    """The file as a whole cannot be read: nothing in it was imported."""


@dataclass(frozen=True)
class RowError:
    """One record that could not be taken in, by its line in the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


RowResult = tuple[int, Inbound | RowError]


def file_kind(path: str | Path) -> str:
    """The file's kind, "csv" or "jsonl", from its name; FileFormatError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix in CSV_EXTENSIONS:
        return "csv"
    if suffix in JSONL_EXTENSIONS:
        return "jsonl"
    raise FileFormatError(
        f"cannot import {Path(path).name!r}: expected a .csv or .jsonl file "
        f"(also accepted: {', '.join(CSV_EXTENSIONS[1:] + JSONL_EXTENSIONS[1:])})"
    )


def iter_rows(
    path: str | Path,
    channel: str,
    *,
    encoding: str = "utf-8",
    default_tz: tzinfo = UTC,
) -> Iterator[RowResult]:
    """Yield (line number, Inbound or RowError) for each record of a CSV/JSONL file.

    Line numbers are the file's own, counting from 1 (a CSV header is line 1;
    a record spanning lines is reported by its first line). Times without a
    zone are taken in `default_tz`. Raises FileFormatError before the first
    row when the file cannot be used at all.
    """
    if channel not in FILE_CHANNELS:
        raise FileFormatError(
            f"unknown channel {channel!r}; expected one of {', '.join(FILE_CHANNELS)}"
        )
    kind = file_kind(path)
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(f"{'not a file' if path.exists() else 'no such file'}: {path}")
    try:
        "".encode(encoding)
    except LookupError:
        raise FileFormatError(f"unknown encoding {encoding!r}") from None
    with path.open("rb") as handle:
        lines = _decoded_lines(handle, encoding)
        if kind == "csv":
            yield from _csv_rows(lines, channel, default_tz, tsv=path.suffix.lower() == ".tsv")
        else:
            yield from _jsonl_rows(lines, channel, default_tz)


# --- reading -----------------------------------------------------------------


@dataclass
class _Line:
    text: str
    error: str = ""  # why the line's bytes could not be decoded


def _decoded_lines(handle: Iterable[bytes], encoding: str) -> Iterator[_Line]:
    """Decode line by line, so one bad byte marks one line, not the whole file."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield _Line(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.start + 1].hex()
            yield _Line(
                raw.decode(encoding, errors="replace"),
                f"not valid {encoding} text (byte 0x{bad} at column {exc.start + 1}); "
                "re-save the file as UTF-8 or pass --encoding",
            )


def csv_records(
    lines: Iterator[_Line], tsv: bool
) -> tuple[list[str], Iterator[tuple[int, list[str] | RowError]]]:
    """A CSV file's header and its records, each with the line it starts on.

    A record that cannot be read (bad quoting, a quote that does not close,
    undecodable bytes, more fields than the header names) comes as a RowError
    for its first line; blank lines are skipped. Raises FileFormatError when
    the file itself is unusable (empty, bad header).
    """
    bad_lines: dict[int, str] = {}
    seen = 0

    def texts() -> Iterator[str]:
        nonlocal seen
        for line in lines:
            seen += 1
            if line.error:
                bad_lines[seen] = line.error
            yield line.text

    source = texts()
    first = next(source, None)
    if first is None or not first.strip():
        raise FileFormatError("the file is empty: expected a header line naming the columns")
    delimiter = "\t" if tsv else max(",;\t", key=first.count)
    reader = split_csv(_chain(first, source), delimiter)
    _, _, header = next(reader)
    if isinstance(header, str):
        raise FileFormatError(f"line 1: the header cannot be read: {header}")
    if 1 in bad_lines:
        raise FileFormatError(f"line 1: {bad_lines[1]}")

    def records() -> Iterator[tuple[int, list[str] | RowError]]:
        for start, last, values in reader:
            if isinstance(values, str):
                yield start, RowError(start, f"the row cannot be read as CSV: {values}")
                continue
            if not any(value.strip() for value in values):
                continue  # blank line
            error = next((bad_lines[n] for n in range(start, last + 1) if n in bad_lines), "")
            if error:
                yield start, RowError(start, error)
            elif len(values) > len(header):
                message = f"{len(values)} fields but the header names only {len(header)}"
                yield start, RowError(start, message)
            else:
                yield start, values

    return header, records()


def split_csv(
    lines: Iterator[str], delimiter: str, *, lenient: bool = False
) -> Iterator[tuple[int, int, list[str] | str]]:
    """Each CSV record as (first line, last line, its fields or why it cannot be read).

    Records are read one at a time, so a broken one costs only its first
    line: a quote still open after MAX_RECORD_LINES lines or at the end of
    the input, or bad quoting inside a record spanning lines, is reported
    for the line the record starts on, and reading resumes on the next line.
    `lenient` reads a one-line record that breaks the quoting rules (say
    `"Stop" he said`) the way the csv module does by default instead of
    reporting it; a record spanning lines must always be well formed.
    """
    # The csv module's default field limit (128 KiB) is below the body limit.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BODY_CHARS + 1))
    ahead: deque[str] = deque()  # lines read past a broken record, to read again
    number = 1
    while True:
        taken, values, error, unclosed = _read_record(lines, ahead, delimiter)
        if not taken:
            return
        if values is None and lenient and len(taken) == 1 and not unclosed:
            with contextlib.suppress(csv.Error):
                values = next(csv.reader(taken, delimiter=delimiter), [])
        if values is None:
            yield number, number, error
            ahead.extendleft(reversed(taken[1:]))
            number += 1
        else:
            yield number, number + len(taken) - 1, values
            number += len(taken)


def _read_record(
    lines: Iterator[str], ahead: deque[str], delimiter: str
) -> tuple[list[str], list[str] | None, str, bool]:
    """The next record: its lines, its fields (None when broken), why it is broken,
    and whether that is because a quoted field stays open."""
    taken: list[str] = []
    ran_out = False

    def feed() -> Iterator[str]:
        nonlocal ran_out
        while len(taken) < MAX_RECORD_LINES:
            line = ahead.popleft() if ahead else next(lines, None)
            if line is None:
                break
            taken.append(line)
            yield line
        ran_out = True

    try:
        values = next(csv.reader(feed(), delimiter=delimiter, strict=True), None)
    except csv.Error as exc:
        values, error = None, str(exc)
    else:
        error = ""
    if ran_out and taken:  # the reader wanted more lines: a quote is still open
        if len(taken) == MAX_RECORD_LINES:
            return (
                taken,
                None,
                f"a quoted field is not closed within {MAX_RECORD_LINES} lines",
                True,
            )
        return taken, None, "a quoted field is never closed", True
    return taken, values, error, False


def _csv_rows(lines: Iterator[_Line], channel: str, tz: tzinfo, tsv: bool) -> Iterator[RowResult]:
    header, records = csv_records(lines, tsv)
    columns = _header_columns(header)
    for start, values in records:
        if isinstance(values, RowError):
            yield start, values
            continue
        record = {key: value for key, value in zip(columns, values, strict=False) if key}
        yield start, _row(record, channel, tz, start)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _header_columns(header: list[str]) -> list[str]:
    """Our field name for each header cell ("" for a column we do not use)."""
    columns = []
    for cell in header:
        name = cell.strip().lower().replace(" ", "_").replace("-", "_")
        columns.append(_ALIASES.get(name, ""))
    if "body" not in columns:
        raise FileFormatError(
            "line 1: no 'body' (or 'text') column; the header has: "
            + ", ".join(repr(c) for c in header)
        )
    return columns


def _jsonl_rows(lines: Iterator[_Line], channel: str, tz: tzinfo) -> Iterator[RowResult]:
    for number, line in enumerate(lines, start=1):
        if not line.text.strip():
            continue
        if line.error:
            yield number, RowError(number, line.error)
            continue
        try:
            data = json.loads(line.text.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield number, RowError(number, f"not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(data, dict):
            yield number, RowError(number, f"expected a JSON object, got {type(data).__name__}")
            continue
        yield number, _row(_flatten(data), channel, tz, number)


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """Our field names from a JSON object; a nested "customer" object as in the API."""
    record: dict[str, Any] = {}
    for name, value in data.items():
        key = _ALIASES.get(str(name).strip().lower())
        if key and value is not None and key not in record:
            record[key] = value
    customer = data.get("customer")
    if isinstance(customer, Mapping):
        for key in _CUSTOMER_FIELDS:
            value = customer.get(key)
            if value is not None and key not in record:
                record[key] = value
    return record


# --- one record ----------------------------------------------------------------


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InboundError(f"{key} must be text, not {type(value).__name__}")
    text = str(value).strip()
    if len(text) > MAX_FIELD_CHARS:
        raise InboundError(f"{key} is over {MAX_FIELD_CHARS:,} characters")
    return text


def _row(record: Mapping[str, Any], channel: str, tz: tzinfo, line: int) -> Inbound | RowError:
    try:
        return parse_record(record, channel, default_tz=tz)
    except InboundError as exc:
        return RowError(line, str(exc))


def parse_record(record: Mapping[str, Any], channel: str, *, default_tz: tzinfo = UTC) -> Inbound:
    """One record (our field names, see COLUMNS) -> a validated Inbound."""
    body = _text(record, "body").replace("\r\n", "\n")
    if not body:
        raise InboundError("body is empty")
    name = _text(record, "name")
    email = _text(record, "email").lower()
    if email and ("@" not in email or " " in email):
        raise InboundError(f"email {email!r} is not an email address")
    customer = InboundCustomer(
        name=name,
        email=email,
        phone=_text(record, "phone"),
        handle=_text(record, "handle"),
        review_name=name if channel == "review" else "",
    )
    sent_at = parse_time(_text(record, "sent_at"), default_tz)
    external_id = _text(record, "external_id")
    if not external_id:
        external_id = derived_external_id(channel, customer, sent_at, body)
    elif len(external_id) > MAX_EXTERNAL_ID_CHARS:
        external_id = "sha256:" + hashlib.sha256(external_id.encode()).hexdigest()
    inbound = Inbound(
        channel=channel,
        body=body,
        customer=customer,
        external_id=external_id,
        subject=_text(record, "subject"),
        sent_at=sent_at,
        thread_id=_text(record, "thread_id"),
        location=_text(record, "location"),
        team=_text(record, "team"),
        rating=parse_rating(record.get("rating")),
        url=_text(record, "url"),
    )
    inbound.validate()
    return inbound


def parse_time(value: str, default_tz: tzinfo = UTC, name: str = "sent_at") -> datetime | None:
    """ISO-8601 date or date-time (or Unix seconds); a time without zone is in default_tz.

    InboundError (naming the field `name`) for text that is not a time and for
    a time a message cannot have (intake.types.sent_at_problem)."""
    if not value:
        return None
    try:
        if value.isdigit() and len(value) >= 9:
            parsed = datetime.fromtimestamp(int(value), tz=UTC)
        else:
            parsed = datetime.fromisoformat(value.replace(" UTC", "Z"))
    except (ValueError, OverflowError, OSError):
        raise InboundError(
            f"{name} {value!r} is not an ISO-8601 date or time (e.g. 2024-06-03T10:00:00+02:00)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    problem = sent_at_problem(parsed, name)  # before anything converts it (year 1 has no UTC)
    if problem:
        raise InboundError(problem)
    return parsed


def parse_rating(value: Any) -> int | None:
    """A star rating 1–5 from text or a number; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InboundError(f"rating {value!r} is not a number")
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InboundError(f"rating {str(value).strip()!r} is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise InboundError(f"rating {str(value).strip()!r} is not a whole number of stars")
    rating = int(number)
    if not 1 <= rating <= 5:
        raise InboundError(f"rating {rating} is not between 1 and 5")
    return rating


def derived_external_id(
    channel: str, customer: InboundCustomer, sent_at: datetime | None, body: str
) -> str:
    """A stable id for a row without one, so importing the file again adds nothing."""
    who = "|".join((customer.email, customer.phone, customer.handle, customer.name))
    when = sent_at.astimezone(UTC).isoformat() if sent_at else ""
    key = "\x1f".join((channel, who, when, " ".join(body.split())))
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
