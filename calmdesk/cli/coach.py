"""`calmdesk coach "reply text" [--conversation ID] [--json] [--policy PATH]`.

Checks a reply against the playbook policy and prints the findings with
their suggested rewrites. Without --conversation it coaches against an
empty context (wording, times and amounts only) and needs no database.
Exit 0 whatever the findings; 1 for bad input (empty text, an invalid
policy, an unknown conversation).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from calmdesk.cli import CommandError, setup_django


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "coach",
        help="Check a reply against the playbook before sending it.",
        description="Score a reply 0-100 and list what to change (blame, contradiction, "
        "vague times, missing apology...), each with a suggested rewrite. Use '-' to read "
        "the reply from standard input.",
    )
    p.add_argument("text", metavar="TEXT", help="the reply to check, or - for stdin")
    p.add_argument(
        "--conversation", type=int, metavar="ID", help="coach in this conversation's context"
    )
    p.add_argument("--json", action="store_true", help='print {"score", "findings": [...]} as JSON')
    p.add_argument(
        "--policy",
        metavar="PATH",
        help="policy YAML (default: $CALMDESK_POLICY_PATH or the built-in one)",
    )
    p.set_defaults(func=cmd_coach)


def _conversation(conversation_id: int) -> Any:
    try:
        setup_django()
        from calmdesk.services.playbook_views import conversation_view
    except Exception as exc:  # ImportError, or Django not configured
        raise CommandError(
            f"--conversation needs the desk, which is not available here ({exc}); "
            "coach without --conversation to check the wording only"
        ) from None
    try:
        return conversation_view(conversation_id)
    except LookupError:
        raise CommandError(f"no conversation with id {conversation_id}") from None


def format_result(result: Any, reply: str) -> str:
    lines = [f"Score: {result.score}/100"]
    if not result.findings:
        lines.append("No findings: this reply follows the playbook.")
    for f in result.findings:
        where = f'"{f.text}"' if f.text else ("at the start" if f.start == 0 else "at the end")
        lines.append(f"\n[{f.severity}] {f.kind.replace('_', ' ')} {where} ({f.start}-{f.end})")
        if f.message:
            lines.append(f"  why: {f.message}")
        if f.text and not f.suggestion:
            lines.append("  fix: remove it")
        elif f.text:
            lines.append(f'  fix: replace with "{f.suggestion}"')
        else:
            lines.append(f'  fix: add "{f.suggestion.strip()}"')
        lines.append(f"  rule: {f.rule}")
    return "\n".join(lines)


def cmd_coach(args: Any) -> int:
    from calmdesk.playbook import PolicyError, coach, load_policy

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise CommandError("the reply text is empty")
    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        raise CommandError(str(exc)) from None
    conversation = _conversation(args.conversation) if args.conversation is not None else None
    result = coach(text, conversation, policy)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result, text))
    return 0
