"""`calmdesk analyze`: judge one text, or every row of a CSV file.

    calmdesk analyze "This is the third time I write. Cancel my account."
    calmdesk analyze --json "..."             # the Assessment as JSON
    echo "..." | calmdesk analyze             # text from stdin
    calmdesk analyze --file in.csv --column text --out out.csv

CSV mode keeps every input column and adds the verdict columns; a progress
bar goes to stderr; broken rows (undecodable bytes, missing column, bad
quoting: see calmdesk.intake.files.split_csv) are reported with their line
number while the good rows are written. Exit code 1 when any row failed or
the input is unusable; 2 for a bad option value. Needs no database.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from calmdesk.analysis import BACKENDS, Assessment, assess, assess_many, resolve_backend
from calmdesk.cli import CommandError
from calmdesk.intake.files import split_csv

BATCH = 256
COLOURS = {"calm": "32", "tense": "33", "difficult": "35", "hostile": "31"}
EXTRA_COLUMNS = (
    "difficulty",
    "level",
    "sentiment",
    "sentiment_label",
    "abuse",
    "anger",
    "frustration",
    "disappointment",
    "anxiety",
    "gratitude",
    "signals",
    "reasons",
    "language",
    "confidence",
    "engine",
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "analyze",
        help="judge how difficult a message is, and why",
        description="Judge how difficult a customer message is, with the evidence.",
    )
    p.add_argument("text", nargs="?", help="the message (or read from stdin when omitted)")
    p.add_argument("--json", action="store_true", help="print JSON (JSON Lines with --file)")
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="scoring backend (default: $CALMDESK_ANALYSIS_BACKEND or rules)",
    )
    p.add_argument(
        "--prior-contacts",
        type=_count,
        default=0,
        metavar="N",
        help="how many times this customer contacted before",
    )
    p.add_argument("--file", help="CSV file to analyse, one message per row")
    p.add_argument(
        "--column", default="text", help="CSV column holding the message (default: text)"
    )
    p.add_argument("--out", help="where to write the CSV with verdicts (default: stdout)")
    p.add_argument(
        "--delimiter", type=_delimiter, default=",", help="CSV delimiter: one character, or \\t"
    )
    p.set_defaults(func=run)


def _count(value: str) -> int:
    """--prior-contacts: a whole number, 0 or more (argparse reports anything else, exit 2)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is negative; give 0 or more")
    return number


def _delimiter(value: str) -> str:
    """--delimiter: one character other than a quote or a line break; \\t is a tab."""
    value = "\t" if value == "\\t" else value
    if len(value) != 1 or value in '"\r\n':
        raise argparse.ArgumentTypeError(
            f"{value!r} cannot separate CSV fields: give one character such as , ; | or \\t"
        )
    return value


def run(args: argparse.Namespace) -> int:
    context = {"prior_contacts": args.prior_contacts} if args.prior_contacts else None
    if args.file:
        if args.text is not None:
            raise CommandError("give either a text or --file, not both")
        return _run_file(args, context)
    text = args.text
    if text is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise CommandError('no text given: calmdesk analyze "message" (or --file in.csv)')
        text = sys.stdin.read()
    if not text.strip():
        raise CommandError('no text given: calmdesk analyze "message" (or --file in.csv)')
    try:
        a = assess(text, context, backend=args.backend)
    except (ImportError, FileNotFoundError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        _print(json.dumps({"text": text, **a.to_dict()}, ensure_ascii=False, indent=2))
    else:
        _print(verdict(text, a, colour=_is_tty(sys.stdout)))
    return 0


def _is_tty(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("NO_COLOR") is None


def _print(s: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    try:
        print(s, file=stream)
    except UnicodeEncodeError:
        enc = getattr(stream, "encoding", None) or "utf-8"
        print(s.encode(enc, "backslashreplace").decode(enc), file=stream)


def highlight(text: str, a: Assessment, *, colour: bool) -> str:
    """The text with every evidence span marked: ANSI bold/colour or [brackets]."""
    spans = sorted({(e.start, e.end) for s in a.signals for e in s.evidence})
    out, pos = [], 0
    on, off = (f"\033[1;{COLOURS.get(a.level, '31')}m", "\033[0m") if colour else ("[", "]")
    for start, end in spans:
        if start < pos:
            continue
        out += [text[pos:start], on, text[start:end], off]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def verdict(text: str, a: Assessment, *, colour: bool = False) -> str:
    level = a.level.upper()
    if colour:
        level = f"\033[1;{COLOURS.get(a.level, '31')}m{level}\033[0m"
    shown = text if len(text) <= 2000 else text[:2000] + " ..."
    lines = [
        f"{level}  difficulty {a.difficulty}/100 · sentiment {a.sentiment_label} ({a.sentiment:+.2f})"
        f" · abuse {a.abuse:.2f} · language {a.language} (confidence {a.confidence:.2f})"
        f" · engine {a.engine}",
        "",
        "  " + highlight(shown, a, colour=colour).replace("\n", "\n  "),
        "",
    ]
    if a.reasons:
        lines.append("Why:")
        lines += [f"  - {r}" for r in a.reasons]
    if a.signals:
        lines.append("Signals: " + ", ".join(f"{s.kind} {s.score:.2f}" for s in a.signals))
    strong = [f"{k} {v:.2f}" for k, v in a.emotions.items() if v >= 0.1]
    if strong:
        lines.append("Emotions: " + ", ".join(strong))
    return "\n".join(lines)


def row_values(a: Assessment) -> dict[str, Any]:
    return {
        "difficulty": a.difficulty,
        "level": a.level,
        "sentiment": round(a.sentiment, 4),
        "sentiment_label": a.sentiment_label,
        "abuse": round(a.abuse, 4),
        **{k: round(v, 4) for k, v in a.emotions.items()},
        "signals": ";".join(s.kind for s in a.signals),
        "reasons": " | ".join(a.reasons),
        "language": a.language,
        "confidence": round(a.confidence, 4),
        "engine": a.engine,
    }


def _lines(raw: io.BufferedReader, bad: set[int]) -> Iterator[str]:
    """Decode line by line, so one bad line does not spoil the rest."""
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield line.decode("utf-8", "replace")


def _run_file(args: argparse.Namespace, context: dict[str, int] | None) -> int:
    try:
        raw = open(args.file, "rb")  # noqa: SIM115 - closed in finally
    except FileNotFoundError as exc:
        raise CommandError(f"file not found: {args.file}") from exc
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from exc
    try:
        total = max(0, sum(1 for _ in raw) - 1)
        raw.seek(0)
        bad: set[int] = set()
        records = split_csv(_lines(raw, bad), args.delimiter, lenient=True)
        _, _, header = next(records, (1, 1, []))
        if isinstance(header, str):
            raise CommandError(f"{args.file}:1: the header row cannot be read as CSV: {header}")
        if not header:
            raise CommandError(f"{args.file} is empty: expected a header row")
        if args.column not in header:
            raise CommandError(
                f"column {args.column!r} not in {args.file} (columns: {', '.join(header)})"
            )
        col = header.index(args.column)
        try:
            model = resolve_backend(args.backend)
        except (ImportError, FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        extra = [c if c not in header else f"{c}_calmdesk" for c in EXTRA_COLUMNS]
        try:
            out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot write {args.out}: {exc.strerror}") from exc
        try:
            return _process(args, records, header, col, extra, out, bad, total, model, context)
        finally:
            if args.out:
                out.close()
    finally:
        raw.close()


def _process(args, records, header, col, extra, out, bad, total, model, context) -> int:  # noqa: ANN001
    from tqdm import tqdm

    writer = None if args.json else csv.writer(out)
    if writer:
        writer.writerow([*header, *extra])
    errors = done = 0
    pending: list[list[str]] = []
    bar = tqdm(total=total, unit="row", file=sys.stderr, desc="analyze", mininterval=0.5)

    def flush() -> None:
        nonlocal done
        results = assess_many([r[col] for r in pending], context, backend=model or "rules")
        for row, a in zip(pending, results, strict=True):
            if writer:
                writer.writerow([*row, *row_values(a).values()])
            else:
                record = dict(zip(header, row, strict=False)) | {"assessment": a.to_dict()}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        done += len(pending)
        bar.update(len(pending))
        pending.clear()

    def skip(line: int, why: str) -> None:
        nonlocal errors
        errors += 1
        bar.write(f"{args.file}:{line}: {why}", file=sys.stderr)
        bar.update(1)

    for start, last, row in records:
        if isinstance(row, str):
            skip(start, f"broken CSV row: {row}; skipped")
        elif any(n in bad for n in range(start, last + 1)):
            skip(start, "cannot decode the row as UTF-8; skipped")
        elif not row:
            continue  # a blank line
        elif col >= len(row):
            skip(
                start,
                f"row has no {args.column!r} column "
                f"({len(row)} fields, header has {len(header)}); skipped",
            )
        else:
            pending.append(row)
            if len(pending) >= BATCH:
                flush()
    if pending:
        flush()
    bar.close()
    where = args.out or "stdout"
    print(f"analysed {done} rows into {where}; {errors} broken row(s) skipped", file=sys.stderr)
    return 1 if errors else 0
