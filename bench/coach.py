"""Coach benchmark: latency on a 200-word reply, and precision/recall per finding kind.

    python bench/coach.py [--runs 500]

Latency is measured with and without a conversation context (target: p95
under 20 ms). Quality is measured on the project's labelled replies
(tests/playbook/cases.py): a finding the case must produce and does is a
true positive; one it must produce and does not, a false negative; one it
must not produce (every kind, for a good reply) and does, a false positive.
Prints; never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calmdesk.playbook import AgentView, coach, draft_reply, load_policy  # noqa: E402
from calmdesk.playbook.schema import FINDING_KINDS  # noqa: E402
from tests.playbook.cases import CASES  # noqa: E402
from tests.playbook.conversations import AGENT, NOW, conversations  # noqa: E402

REPLY_200 = (
    "Hi Jane,\n\nAs I already told you, the parcel left our warehouse on Friday, and I understand "
    "that your order #4411 has still not arrived. That's not true that we ignored you!!! I apologize "
    "for the delay, and I am so sorry that you had to write three times. We are sorry. I want to help, "
    "and I can do that best when we keep this conversation respectful. I checked with the courier and "
    "it's not our fault, but we will sort it out soon. I can offer you a full refund of €120, a "
    "replacement sent by express delivery, or store credit on your account that you can use on any "
    "future order. Please let me know which option you would prefer, and I will update you within the "
    "hour. If you choose the replacement, it will be dispatched from our warehouse within 2 working "
    "days and you will receive the tracking link by email. If you choose the refund, it will be back "
    "on the card you paid with. I will also check back with you on Friday to make sure everything is "
    "sorted. PLEASE NOTE that our phone lines are busy on Mondays, so email is the quickest way to "
    "reach me. You should have received a confirmation email when the order was placed; if not, "
    "please check your spam folder. Thank you for your patience while we put this right.\n\n"
    "Kind regards,\nSam Rivera"
)


def latency(runs: int) -> None:
    policy = load_policy()
    words = len(REPLY_200.split())
    conv = conversations()["late_delivery"]
    coach(REPLY_200, conv, policy, AGENT, now=NOW)  # warm the compiled-regex cache
    for label, context in (("empty context", None), ("hostile email conversation", conv)):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            coach(REPLY_200, context, policy, AGENT, now=NOW)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"coach latency, {words}-word reply, {label}: p50 {p50:.2f} ms  p95 {p95:.2f} ms  ({runs} runs)"
        )
    times = []
    for _ in range(max(50, runs // 5)):
        t0 = time.perf_counter()
        draft_reply(conv, policy, AGENT, now=NOW)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        f"draft_reply latency: p50 {statistics.median(times):.2f} ms  p95 {times[int(len(times) * 0.95) - 1]:.2f} ms"
    )


def quality() -> None:
    policy = load_policy()
    convs = conversations()
    tp = dict.fromkeys(FINDING_KINDS, 0)
    fp = dict.fromkeys(FINDING_KINDS, 0)
    fn = dict.fromkeys(FINDING_KINDS, 0)
    for case in CASES:
        conv = convs[case.context] if case.context else None
        found = coach(case.reply, conv, policy, AgentView("Sam", case.role), now=NOW).kinds()
        for kind in FINDING_KINDS:
            if kind in case.must:
                (tp if kind in found else fn)[kind] += 1
            elif kind in case.forbidden() and kind in found:
                fp[kind] += 1
    good = sum(c.good for c in CASES)
    print(
        f"\nlabelled set: {len(CASES)} replies ({good} well-written, {len(CASES) - good} with mistakes)"
    )
    print(f"{'kind':<26}{'support':>8}{'precision':>11}{'recall':>8}")
    for kind in FINDING_KINDS:
        support = tp[kind] + fn[kind]
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else float("nan")
        recall = tp[kind] / support if support else float("nan")
        print(f"{kind:<26}{support:>8}{precision:>11.2f}{recall:>8.2f}")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(
        f"{'all kinds (micro)':<26}{total_tp + total_fn:>8}"
        f"{total_tp / max(1, total_tp + total_fp):>11.2f}{total_tp / max(1, total_tp + total_fn):>8.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    latency(args.runs)
    quality()


if __name__ == "__main__":
    main()
