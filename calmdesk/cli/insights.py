"""`calmdesk causes …` (root causes) and `calmdesk insights …` (QA, digest).

    calmdesk causes list                       causes with counts, owners, verdicts
    calmdesk causes categorize [--all]         categorize complaints (--all: redo non-agent ones)
    calmdesk causes train [--features KIND]    train the classifier on corrections + clear rule labels
    calmdesk causes discover                   cluster uncategorized complaints, propose causes
    calmdesk causes classify TEXT              which cause a text gets (rules and model)
    calmdesk insights review-replies           coach every reply not yet reviewed
    calmdesk insights digest [--force]         send the weekly digest now

The jobs in calmdesk/jobs/insights.py call the same actions.
"""

from __future__ import annotations

import argparse
from typing import Any

from calmdesk.cli import CommandError, setup_django


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("causes", help="Root causes: categorize, train, discover, classify.")
    sub = p.add_subparsers(dest="causes_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="Causes with recent counts, owners and verdicts.").set_defaults(
        func=cmd_list
    )
    c = sub.add_parser("categorize", help="Give complaints without a cause one.")
    c.add_argument("--all", action="store_true", help="redo every cause not set by an agent")
    c.set_defaults(func=cmd_categorize)
    t = sub.add_parser("train", help="Train the root-cause classifier.")
    t.add_argument("--features", choices=["auto", "embeddings", "tfidf"], default=None)
    t.set_defaults(func=cmd_train)
    d = sub.add_parser("discover", help="Propose new causes from complaints that fit none.")
    d.add_argument("--features", choices=["auto", "embeddings", "tfidf"], default=None)
    d.set_defaults(func=cmd_discover)
    k = sub.add_parser("classify", help="Show the cause a text would get.")
    k.add_argument("text")
    k.set_defaults(func=cmd_classify)

    p = subparsers.add_parser("insights", help="Insights jobs: review replies, send the digest.")
    sub = p.add_subparsers(dest="insights_command", metavar="ACTION", required=True)
    sub.add_parser("review-replies", help="Coach every reply not yet reviewed.").set_defaults(
        func=cmd_review
    )
    g = sub.add_parser("digest", help="Send the weekly digest to managers now.")
    g.add_argument("--force", action="store_true", help="send even if this week's went out")
    g.set_defaults(func=cmd_digest)


def cmd_list(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.insights.report import overview
    from calmdesk.models import Conversation

    data = overview(Conversation.objects.all())
    print(f"{'cause':<28} {'last 4 wk':>9} {'before':>7}  owner / verdict")
    for r in data.causes:
        owner = r.cause.owner.name if r.cause.owner else "-"
        verdict = r.verdict.kind if r.verdict else "no fix date"
        print(f"{r.cause.label[:28]:<28} {r.recent:>9} {r.previous:>7}  {owner} / {verdict}")
    return 0


def cmd_categorize(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.insights import do_categorize

    print(f"Categorized {do_categorize(recategorize=args.all)} conversations.")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.insights import do_train_cause_model
    from calmdesk.insights.classifier import NotEnoughLabels
    from calmdesk.insights.features import InsightsUnavailable

    try:
        stats = do_train_cause_model(features=args.features)
    except (NotEnoughLabels, InsightsUnavailable) as exc:
        raise CommandError(str(exc)) from None
    print(
        f"Trained on {stats['examples']} examples ({stats['corrections']} agent corrections), "
        f"{len(stats['causes'])} causes, {stats['features']} features -> {stats['path']}"
    )
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.insights import do_discover
    from calmdesk.insights.features import InsightsUnavailable

    try:
        proposals = do_discover(features=args.features)
    except InsightsUnavailable as exc:
        raise CommandError(str(exc)) from None
    if not proposals:
        print("No new groups of uncategorized complaints.")
    for p in proposals:
        print(f"Proposed: {p.label} ({p.size} complaints; terms: {', '.join(p.terms)})")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.insights.base import setting
    from calmdesk.insights.causes import active_specs, decide, load_classifier
    from calmdesk.insights.taxonomy import categorize_by_rules

    specs, _ = active_specs()
    if not specs:
        from calmdesk.insights.taxonomy import policy_taxonomy

        specs = policy_taxonomy()
    rule = categorize_by_rules(args.text, specs)
    print(f"rules: {rule.key} (cues: {', '.join(rule.matched) or 'none'})")
    model = load_classifier()
    pred = model.predict([args.text])[0] if model else None
    if pred:
        print(f"model: {pred.key} ({pred.confidence:.2f})")
    d = decide(args.text, specs, pred, float(setting("CALMDESK_CAUSE_MIN_CONFIDENCE", 0.5)))
    print(f"cause: {d.key} (by {d.source})")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.insights import do_review_replies

    total = 0
    while n := do_review_replies():
        total += n
    print(f"Reviewed {total} replies.")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.insights import do_send_digest

    failed: list[str] = []
    sent = do_send_digest(force=args.force, failed=failed)
    print(f"Digest sent to {sent} managers.")
    if failed:
        raise CommandError(
            f"the digest could not be sent to {len(failed)} "
            f"({', '.join(failed)}); see the log above for why"
        )
    return 0
