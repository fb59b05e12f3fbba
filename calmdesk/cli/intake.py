"""`calmdesk import` (CSV/JSONL) and `calmdesk import-email` (.eml/.mbox).

Both read the file(s), hand every message to `calmdesk.actions.receive`
(idempotent, so a re-import adds nothing) and print one summary line.
Exit codes (docs/intake.md): 0 when the input could be read and at least
one message was imported or already present (broken rows are listed);
1 when a file is unusable (missing, unknown kind, no header/body column),
when every row is broken, or with --strict when any row is broken.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calmdesk.cli import CommandError, setup_django
from calmdesk.intake.types import Inbound, InboundError

SHOWN_ERRORS = 10


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import",
        help="Import messages from a CSV or JSON Lines file (reviews, mentions, chats).",
        description="Import one message per row of a .csv or .jsonl file; columns are "
        "described in docs/intake.md. Rows already imported are skipped.",
    )
    p.add_argument("file", metavar="FILE", help="a .csv (or .tsv) or .jsonl file")
    p.add_argument("--channel", required=True, help="review, social, chat, email or sms")
    p.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
    p.add_argument(
        "--timezone", default="UTC", help="zone for times given without one (default UTC)"
    )
    p.add_argument("--team", default="", help="team slug for rows without a 'team' column")
    _common_options(p)
    p.add_argument("--errors", metavar="CSV", help="write every broken row (line,error) here")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser(
        "import-email",
        help="Import email from .eml or mbox files.",
        description="Import each email of the given .eml and mbox files; messages already "
        "imported (same Message-ID) are skipped.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".eml or .mbox file(s)")
    p.add_argument("--team", default="", help="team slug for every message")
    _common_options(p)
    p.set_defaults(func=cmd_import_email)


def _common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict", action="store_true", help="exit 1 when any row (or message) is broken"
    )
    p.add_argument(
        "--no-assess", action="store_true", help="store only; do not queue the assessment"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


@dataclass
class Tally:
    noun: str  # "row" or "message"
    imported: int = 0
    present: int = 0
    auto_submitted: int = 0
    broken: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.imported:,} imported"]
        if self.auto_submitted:
            n = self.auto_submitted
            parts[0] += f" ({n:,} auto-repl{'y' if n == 1 else 'ies'}, never answered)"
        parts.append(f"{self.present:,} already present")
        n = len(self.broken)
        if n:
            shown = "; ".join(self.broken[:SHOWN_ERRORS])
            more = f"; … and {n - SHOWN_ERRORS:,} more" if n > SHOWN_ERRORS else ""
            parts.append(f"{n:,} broken {self.noun}{'s' if n != 1 else ''}: {shown}{more}")
        return ", ".join(parts)

    def finish(self, strict: bool) -> int:
        print(self.summary())
        if self.broken and not (self.imported or self.present):
            raise CommandError(f"nothing imported: every {self.noun} is broken")
        if strict and self.broken:
            raise CommandError(f"{len(self.broken):,} broken {self.noun}(s) (--strict)")
        return 0


def _receiver(args: argparse.Namespace):
    setup_django()
    from calmdesk.actions import receive

    def call(inbound: Inbound) -> Any:
        if args.team and not inbound.team:
            inbound = dataclasses.replace(inbound, team=args.team)
        return receive(inbound, assess=False)  # assessed per batch, after its commit

    return call


# Rows stored per transaction: one commit per batch instead of per row, and
# one assessment call per batch (after the commit) instead of per message.
BATCH_ROWS = 500


def _batches(items: Iterable[Any], size: int = BATCH_ROWS) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _assess_later(new_ids: list[int], args: argparse.Namespace) -> None:
    if new_ids and not args.no_assess:
        from calmdesk.jobs import queue_assessment

        queue_assessment(new_ids)


def _store(tally: Tally, receive, inbound: Inbound, where: str, new_ids: list[int]) -> str:
    """Receive one message and count it; the reason when it was refused, else ""."""
    try:
        result = receive(inbound)
    except InboundError as exc:
        return str(exc)
    except Exception as exc:
        raise CommandError(
            f"{where}: could not store it ({exc.__class__.__name__}: {exc}); the batches "
            f"committed before it are kept, and running the same import again skips them"
        ) from exc
    if result.created:
        tally.imported += 1
        tally.auto_submitted += int(inbound.auto_submitted)
        new_ids.append(result.message_id)
    else:
        tally.present += 1
    return ""


def _progress(items: Iterable[Any], total: int | None, unit: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(
        items,
        total=total,
        unit=f" {unit}s",
        file=sys.stderr,
        disable=True if quiet else None,  # None: only on a terminal
        dynamic_ncols=True,
    )


# --- calmdesk import ------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from calmdesk.intake.files import FILE_CHANNELS, FileFormatError, file_kind, iter_rows

    if args.channel not in FILE_CHANNELS:
        raise CommandError(
            f"unknown channel {args.channel!r}; expected one of {', '.join(FILE_CHANNELS)}"
        )
    path = Path(args.file)
    try:
        kind = file_kind(path)
    except FileFormatError as exc:
        raise CommandError(str(exc)) from None
    if not path.is_file():
        raise CommandError(f"{'not a file' if path.exists() else 'no such file'}: {path}")
    try:
        tz = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(
            f"unknown time zone {args.timezone!r} (e.g. UTC, Europe/Paris)"
        ) from None

    rows = iter_rows(path, args.channel, encoding=args.encoding, default_tz=tz)
    try:
        first = next(rows, None)  # the file-level checks run here
    except (FileFormatError, OSError) as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    receive = _receiver(args)
    tally = Tally("row")
    errors: list[tuple[int, str]] = []
    total = _count_records(path, kind)
    bar = _progress(_prepend(first, rows), total, "row", args.quiet)
    from django.db import transaction

    try:
        for batch in _batches(bar):
            new_ids: list[int] = []
            with transaction.atomic():
                for line, item in batch:
                    if isinstance(item, Inbound):
                        problem = _store(tally, receive, item, f"line {line}", new_ids)
                    else:
                        problem = item.message
                    if problem:
                        tally.broken.append(f"line {line}: {problem}")
                        errors.append((line, problem))
            _assess_later(new_ids, args)
    except (FileFormatError, OSError) as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    finally:
        bar.close()
    if args.errors:
        _write_errors(Path(args.errors), errors)
    return tally.finish(args.strict)


def _prepend(first: Any, rest: Iterable[Any]) -> Iterable[Any]:
    if first is not None:
        yield first
    yield from rest


def _count_records(path: Path, kind: str) -> int | None:
    """Lines in the file (minus the CSV header): the progress bar's estimate."""
    try:
        lines = 0
        last = b"\n"
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        lines += last != b"\n"
    except OSError:
        return None
    return max(0, lines - 1) if kind == "csv" else lines


def _write_errors(path: Path, errors: list[tuple[int, str]]) -> None:
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "error"])
            writer.writerows(errors)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc}") from None


# --- calmdesk import-email ------------------------------------------------------


def cmd_import_email(args: argparse.Namespace) -> int:
    from calmdesk.intake.email import count_mbox

    sources = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{'not a file' if path.exists() else 'no such file'}: {path}")
        kind = _email_kind(path)
        count = 1
        if kind == "mbox":
            try:
                count = count_mbox(path)
            except Exception as exc:
                raise CommandError(f"{path.name}: cannot read it as an mbox file: {exc}") from None
            if count == 0:
                raise CommandError(
                    f"{path.name}: no messages found (an mbox file starts with a 'From ' line)"
                )
        sources.append((path, kind, count))
    receive = _receiver(args)
    tally = Tally("message")
    total = sum(count for _path, _kind, count in sources)
    bar = _progress(_emails(sources), total, "message", args.quiet)
    from django.db import transaction

    try:
        for batch in _batches(bar):
            new_ids: list[int] = []
            with transaction.atomic():
                for where, item in batch:
                    problem = (
                        _store(tally, receive, item, where, new_ids)
                        if isinstance(item, Inbound)
                        else item
                    )
                    if problem:
                        tally.broken.append(f"{where}: {problem}")
            _assess_later(new_ids, args)
    finally:
        bar.close()
    return tally.finish(args.strict)


def _email_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".eml":
        return "eml"
    if suffix in (".mbox", ".mbx"):
        return "mbox"
    if suffix == ".msg":
        raise CommandError(f"{path.name}: Outlook .msg files are not supported; save as .eml")
    if suffix:
        raise CommandError(f"cannot import {path.name!r}: expected an .eml or .mbox file")
    with path.open("rb") as handle:  # no extension: Thunderbird keeps mbox files like this
        return "mbox" if handle.read(5) == b"From " else "eml"


def _emails(sources):
    from calmdesk.intake.email import iter_mbox, parse_email

    for path, kind, _count in sources:
        if kind == "eml":
            try:
                yield path.name, parse_email(path.read_bytes())
            except (InboundError, OSError) as exc:
                yield path.name, exc
            continue
        for index, item in iter_mbox(path):  # "export.mbox: message 4", as docs/intake.md says
            yield f"{path.name}: message {index}", item
