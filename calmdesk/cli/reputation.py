"""Reputation commands: `import-reviews`, `import-locations`, `feeds`, `reputation`.

    calmdesk import-reviews FILE --format google|trustpilot|yelp|generic [--location SLUG]
    calmdesk import-locations FILE.csv
    calmdesk feeds add NAME URL --location SLUG [--platform rss] | list | poll [--all]
    calmdesk reputation sweep        (adopt, judge, overdue replies, spikes)
    calmdesk reputation webhook-source NAME [--platform P] [--location SLUG] [--allows-reply]

Exit codes as for `calmdesk import`: broken rows are listed by line and the
rest kept; 1 when the file is unusable or every row is broken.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calmdesk.cli import CommandError, setup_django
from calmdesk.cli.intake import Tally, _progress, _write_errors
from calmdesk.cli.startup import feed_minutes
from calmdesk.intake.types import InboundError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import-reviews",
        help="Import reviews from a platform's export (CSV, JSON Lines or JSON).",
        description="Import reviews; the column mappings of each format are in "
        "docs/reputation.md. A review seen before is skipped, or recorded as a revision "
        "when its text or rating changed.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--format", default="generic", choices=("generic", "google", "trustpilot", "yelp")
    )
    p.add_argument("--location", default="", help="location slug for rows without a location")
    p.add_argument("--platform", default="", help="platform name to record (default: the format)")
    p.add_argument("--mentions", action="store_true", help="the rows are mentions, not reviews")
    p.add_argument("--timezone", default="UTC", help="zone for dates given without one")
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is broken")
    p.add_argument("--errors", metavar="CSV", help="write every broken row (line,error) here")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import_reviews)

    p = subparsers.add_parser(
        "import-locations",
        help="Create or update locations from a CSV file.",
        description="Columns: name, slug, team, address, contact_email, contact_phone. "
        "Existing locations (same slug) are updated.",
    )
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(func=cmd_import_locations)

    feeds = subparsers.add_parser("feeds", help="RSS/Atom mention feeds: add, list, poll.")
    sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="Watch a feed for mentions of a location.")
    a.add_argument("name")
    a.add_argument("url")
    a.add_argument("--location", required=True, help="location slug the mentions belong to")
    a.add_argument("--platform", default="rss")
    a.add_argument(
        "--every",
        type=feed_minutes,
        default=None,
        help="minutes between polls, 5-10080 (default: $CALMDESK_FEED_POLL_MINUTES)",
    )
    a.set_defaults(func=cmd_feeds_add)
    sub.add_parser("list", help="Feeds and their state.").set_defaults(func=cmd_feeds_list)
    poll = sub.add_parser("poll", help="Poll the feeds that are due (or all with --all).")
    poll.add_argument("--all", action="store_true", help="poll every active feed now")
    poll.set_defaults(func=cmd_feeds_poll)

    rep = subparsers.add_parser("reputation", help="Reputation watch maintenance.")
    sub = rep.add_subparsers(dest="reputation_command", metavar="ACTION", required=True)
    sub.add_parser(
        "sweep", help="Judge pending reviews, mark overdue public replies, check for spikes."
    ).set_defaults(func=cmd_sweep)
    w = sub.add_parser("webhook-source", help="Create a webhook source and print its key once.")
    w.add_argument("name")
    w.add_argument("--platform", default="generic")
    w.add_argument("--location", default="", help="default location slug")
    w.add_argument("--mentions", action="store_true", help="the source sends mentions")
    w.add_argument(
        "--allows-reply", action="store_true", help="approved replies go to the outgoing webhook"
    )
    w.set_defaults(func=cmd_webhook_source)


def _location(slug: str):
    from calmdesk.models import Location

    location = Location.objects.filter(slug=slug).first()
    if location is None:
        raise CommandError(f"unknown location {slug!r} (see `calmdesk import-locations`)")
    return location


def cmd_import_reviews(args: argparse.Namespace) -> int:
    from calmdesk.intake.files import FileFormatError
    from calmdesk.intake.reviews import ReviewRecord, as_mention, iter_reviews

    try:
        tz = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown time zone {args.timezone!r}") from None
    rows = iter_reviews(
        Path(args.file),
        args.format,
        default_location=args.location,
        platform=args.platform,
        encoding=args.encoding,
        default_tz=tz,
    )
    try:
        first = next(rows, None)
    except (FileFormatError, OSError) as exc:
        raise CommandError(f"{Path(args.file).name}: {exc}") from None
    setup_django()
    from django.db import transaction

    from calmdesk.actions.reputation import do_ingest_review

    if args.location:
        _location(args.location)
    tally = Tally("row")
    revised = removed = 0
    errors: list[tuple[int, str]] = []
    bar = _progress(_chain(first, rows), None, "row", args.quiet)
    try:
        for where, item in bar:
            problem = ""
            if isinstance(item, ReviewRecord):
                record = as_mention(item) if args.mentions else item
                try:
                    with transaction.atomic():
                        result = do_ingest_review(record)
                except InboundError as exc:
                    problem = str(exc)
                else:
                    tally.imported += result.created
                    tally.present += not result.created
                    revised += result.revised
                    removed += result.removed
            else:
                problem = item.message
            if problem:
                tally.broken.append(f"{where}: {problem}")
                errors.append((int(where.split()[-1]), problem))
    except (FileFormatError, OSError) as exc:
        raise CommandError(f"{Path(args.file).name}: {exc}") from None
    finally:
        bar.close()
    if args.errors:
        _write_errors(Path(args.errors), errors)
    if revised or removed:
        print(f"{revised:,} revised, {removed:,} removed (kept as revisions)")
    return tally.finish(args.strict)


def _chain(first, rest):
    if first is not None:
        yield first
    yield from rest


def cmd_import_locations(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    setup_django()
    from calmdesk.actions.reputation import do_import_locations

    try:
        result = do_import_locations(None, path)
    except (InboundError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    line = f"{result.created:,} created, {result.updated:,} updated"
    if result.errors:
        line += f", {len(result.errors):,} broken: " + "; ".join(result.errors[:10])
    print(line)
    if result.errors and not (result.created or result.updated):
        raise CommandError("nothing imported: every row is broken")
    return 0


def cmd_feeds_add(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from calmdesk.actions.reputation import do_create_source

    try:
        source, _ = do_create_source(
            None,
            args.name,
            "feed",
            platform=args.platform,
            location=_location(args.location),
            url=args.url,
            poll_minutes=args.every,
        )
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from None
    print(f"watching {source.url} for {source.location} every {source.poll_minutes} min")
    return 0


def cmd_feeds_list(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.models import ReviewSource, SourceKind

    for s in ReviewSource.objects.filter(kind=SourceKind.FEED).select_related("location"):
        state = (
            f"failing ({s.failures}): {s.last_error}"
            if s.failures
            else (s.last_status or "never polled")
        )
        print(f"{s.slug:<24} {'on ' if s.active else 'off'} {s.location or '-'} {s.url}  {state}")
    return 0


def cmd_feeds_poll(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.reputation import do_poll_feed, poll_due_feeds
    from calmdesk.models import ReviewSource, SourceKind

    if args.all:
        results = [
            do_poll_feed(s)
            for s in ReviewSource.objects.filter(kind=SourceKind.FEED, active=True).select_related(
                "location"
            )
        ]
    else:
        results = poll_due_feeds()
    for r in results:
        extra = f" — {r.errors[0]}" if r.errors else ""
        print(f"{r.source}: {r.status}, {r.new} new, {r.seen} seen{extra}")
    if not results:
        print("no feed is due")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.jobs.reputation import sweep

    result = sweep()
    print(", ".join(f"{v} {k}" for k, v in result.items()))
    return 0


def cmd_webhook_source(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from calmdesk.actions.reputation import do_create_source

    location = _location(args.location) if args.location else None
    try:
        source, key = do_create_source(
            None,
            args.name,
            "webhook",
            platform=args.platform,
            location=location,
            channel="social" if args.mentions else "review",
            allows_reply=args.allows_reply,
        )
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from None
    print(
        f"source {source.slug!r} created. Its key (shown once; send it as X-Calmdesk-Source-Key):"
    )
    print(key)
    return 0
