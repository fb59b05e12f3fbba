"""Where the rules backend's time goes, per message, against VADER's.

    .venv/bin/python bench/rules_breakdown.py [--data ../shared/data] [--repeat 7]

On TweetEval sentiment validation, pinned to one core when it can be, CPU
time per message (best of --repeat) for: VADER, the whole of assess_many,
and the batched sentiment scorer alone (garbage collector off, as
assess_many runs it), over all texts and separately over the texts the rules
gate lets through as calm and those it sends to the judged path. Prints,
never asserts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def per_message_us(fn: Callable[[], object], n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    path = Path(args.data) / "tweeteval" / "sentiment" / "val_text.txt"
    if not path.is_file():
        print(f"no {path}: give --data the shared data folder", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from calmdesk.analysis import assess_many, batch, engine
    from calmdesk.analysis.text import fold

    texts = [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    judged: set[str] = set()
    judge = engine._judge

    def spy(doc, *a, **k):
        judged.add(doc.text)
        return judge(doc, *a, **k)

    engine._judge = spy  # only to sort the texts; timing runs the real one
    try:
        assess_many(texts)
    finally:
        engine._judge = judge
    vader = SentimentIntensityAnalyzer()

    def scorer(xs: list[str]) -> None:
        with batch.collector_off():
            batch.score_many(xs, [fold(x) for x in xs])

    print(
        f"{len(texts)} TweetEval sentiment val texts; us of CPU per message, best of {args.repeat}"
    )
    print(f"{'texts':<24}{'n':>6}{'VADER':>9}{'assess_many':>13}{'scorer':>9}{'x VADER':>9}")
    groups = {
        "all": texts,
        "calm (gate)": [t for t in texts if t not in judged],
        "judged": [t for t in texts if t in judged],
    }
    for name, xs in groups.items():
        if not xs:
            continue
        v = per_message_us(
            lambda xs=xs: [vader.polarity_scores(x) for x in xs], len(xs), args.repeat
        )
        a = per_message_us(lambda xs=xs: assess_many(xs), len(xs), args.repeat)
        s = per_message_us(lambda xs=xs: scorer(xs), len(xs), args.repeat)
        print(f"{name:<24}{len(xs):>6}{v:>9.1f}{a:>13.1f}{s:>9.1f}{v / a:>8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
