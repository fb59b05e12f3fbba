"""Benchmark Calmdesk's analysis engine against VADER and TextBlob.

    python bench/analysis.py [--data ../shared/data] [--skip-learned]

Reads the VALIDATION splits in --data (TRAIN splits only to pick score
thresholds) and prints, on the same texts for every system:

- TweetEval sentiment: macro-averaged recall (3 classes).
- TweetEval emotion: F1 of "anger" against the rest.
- TweetEval offensive: macro-F1, offensive when abuse >= a threshold.
- GoEmotions dev: F1 of anger, annoyance (our frustration), disappointment,
  nervousness (our anxiety) and gratitude, each against the rest.
- Bitext customer support: recall of `complaint` and `contact_human_agent`
  requests judged difficult (level tense or above), and of the cancellation
  intents `cancel_order` and `delete_account` judged churn_threat; the rate
  on all other intents is printed beside each, as the false-alarm rate.
- Throughput: messages per CPU-second on one core over the TweetEval
  sentiment texts (best of 3), and the ratio to VADER. For Calmdesk this is
  the whole of assess_many (language, sentiment, emotions, abuse, signals,
  difficulty, reasons), not the sentiment scorer alone.

Thresholds for emotions and abuse are picked per system on the TRAIN split
(best F1 on at most 3,000 train texts), never on validation. VADER and
TextBlob map sentiment with the usual cut-offs: VADER compound >= 0.05
positive, <= -0.05 negative; TextBlob polarity > 0 positive, < 0 negative.
They have no emotions or abuse: "n/a". For them "difficult" means negative.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calmdesk.analysis import Assessment, assess_many  # noqa: E402

GOEMOTIONS = {  # our emotion -> GoEmotions label
    "anger": "anger",
    "frustration": "annoyance",
    "disappointment": "disappointment",
    "anxiety": "nervousness",
    "gratitude": "gratitude",
}
DIFFICULT_INTENTS = ("complaint", "contact_human_agent")
CHURN_INTENTS = ("cancel_order", "delete_account")
TRAIN_SAMPLE = 3000


# --- data -----------------------------------------------------------------
def tweeteval(data: Path, task: str, split: str) -> tuple[list[str], list[int]]:
    folder = data / "tweeteval" / task
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (folder / f"{split}_labels.txt").read_text().split()]
    return texts, labels


def goemotions(data: Path, split: str) -> tuple[list[str], list[set[str]]]:
    names = (data / "goemotions" / "labels.txt").read_text().split()
    texts, labels = [], []
    with open(data / "goemotions" / f"{split}.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                texts.append(parts[0])
                labels.append({names[int(i)] for i in parts[1].split(",") if i.strip()})
    return texts, labels


def bitext(data: Path) -> tuple[list[str], list[str]]:
    with open(data / "bitext" / "customer_support.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["instruction"] for r in rows], [r["intent"] for r in rows]


def sample(texts: list[str], labels: list, n: int = TRAIN_SAMPLE) -> tuple[list[str], list]:
    if len(texts) <= n:
        return texts, labels
    idx = random.Random(0).sample(range(len(texts)), n)
    return [texts[i] for i in idx], [labels[i] for i in idx]


# --- metrics --------------------------------------------------------------
def macro_recall(gold: Sequence[int], pred: Sequence[int], classes: Sequence[int]) -> float:
    recalls = []
    for c in classes:
        n = sum(1 for g in gold if g == c)
        recalls.append(
            sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c) / n if n else 0.0
        )
    return sum(recalls) / len(recalls)


def f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    return (f1(gold, pred) + f1([not g for g in gold], [not p for p in pred])) / 2


def best_threshold(scores: Sequence[float], gold: Sequence[bool], metric: Callable) -> float:
    candidates = sorted({round(s, 3) for s in scores} | {0.05, 0.5})
    best, best_t = -1.0, 0.5
    for t in candidates:
        value = metric(gold, [s >= t for s in scores])
        if value > best:
            best, best_t = value, t
    return best_t


# --- systems --------------------------------------------------------------
class Calmdesk:
    def __init__(self, name: str, backend: object) -> None:
        self.name, self.backend = name, backend

    def run(self, texts: list[str]) -> list[Assessment]:
        return assess_many(texts, backend=self.backend)


def vader_scorer() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: analyzer.polarity_scores(text)["compound"]


def textblob_scorer() -> Callable[[str], float] | str:
    try:
        from textblob import TextBlob
    except ImportError as exc:
        return f"skipped: {exc}"
    return lambda text: TextBlob(text).sentiment.polarity


def label_of(score: float, cut: float) -> int:
    return 0 if score <= -cut else 2 if score >= cut else 1


def throughput(fn: Callable[[], object], n: int, repeat: int = 3) -> float:
    """Messages per second of CPU time (best of `repeat`).

    CPU time (time.process_time), not wall time: on a shared machine another
    process on the same core would otherwise count against whoever ran then.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return n / best


# --- main -----------------------------------------------------------------
def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument(
        "--skip-learned", action="store_true", help="do not try the learned backend"
    )
    args = parser.parse_args(argv)
    data = args.data.resolve()
    if not (data / "tweeteval").is_dir():
        print(f"no data at {data}: pass --data PATH", file=sys.stderr)
        return 1
    print(f"Calmdesk analysis benchmark · data {data} · {pin_one_core()}")

    sent_x, sent_y = tweeteval(data, "sentiment", "val")
    emo_x, emo_y = tweeteval(data, "emotion", "val")
    emo_tx, emo_ty = tweeteval(data, "emotion", "train")
    off_x, off_y = tweeteval(data, "offensive", "val")
    off_tx, off_ty = sample(*tweeteval(data, "offensive", "train"))
    ge_x, ge_y = goemotions(data, "dev")
    ge_tx, ge_ty = sample(*goemotions(data, "train"))
    bt_x, bt_intent = bitext(data)

    systems: list[Calmdesk] = [Calmdesk("Calmdesk rules", "rules")]
    notes = []
    if args.skip_learned:
        notes.append("Calmdesk learned: skipped: --skip-learned")
    else:
        try:
            from calmdesk.analysis.engine import resolve_backend

            systems.append(Calmdesk("Calmdesk learned", resolve_backend("learned")))
        except Exception as exc:  # noqa: BLE001 - any failure means "skipped", with the reason
            notes.append(f"Calmdesk learned: skipped: {type(exc).__name__}: {exc}")

    rows: dict[str, dict[str, str]] = {}
    speed: dict[str, float] = {}
    for system in systems:
        row = rows.setdefault(system.name, {})
        t0 = time.perf_counter()
        sent = system.run(sent_x)
        lab = {"negative": 0, "neutral": 1, "positive": 2}
        row["sentiment macro-R"] = pct(
            macro_recall(sent_y, [lab[a.sentiment_label] for a in sent], (0, 1, 2))
        )

        train = system.run(emo_tx)
        t = best_threshold([a.emotions["anger"] for a in train], [y == 0 for y in emo_ty], f1)
        val = system.run(emo_x)
        row["TE anger F1"] = pct(
            f1([y == 0 for y in emo_y], [a.emotions["anger"] >= t for a in val])
        )

        train = system.run(off_tx)
        t = best_threshold([a.abuse for a in train], [y == 1 for y in off_ty], macro_f1)
        val = system.run(off_x)
        row["offensive macro-F1"] = pct(
            macro_f1([y == 1 for y in off_y], [a.abuse >= t for a in val])
        )

        train = system.run(ge_tx)
        val = system.run(ge_x)
        for ours, theirs in GOEMOTIONS.items():
            t = best_threshold([a.emotions[ours] for a in train], [theirs in y for y in ge_ty], f1)
            gold = [theirs in y for y in ge_y]
            row[f"GE {theirs} F1"] = pct(f1(gold, [a.emotions[ours] >= t for a in val]))

        bt = system.run(bt_x)
        difficult = [a.level != "calm" for a in bt]
        churn = [a.signal("churn_threat") is not None for a in bt]
        row.update(bitext_rows(bt_intent, difficult, churn))
        speed[system.name] = throughput(lambda s=system: s.run(sent_x), len(sent_x))
        print(f"  {system.name}: evaluated in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    for name, make, cut in (("VADER", vader_scorer, 0.05), ("TextBlob", textblob_scorer, 1e-9)):
        scorer = make()
        if isinstance(scorer, str):
            notes.append(f"{name}: {scorer}")
            continue
        row = rows.setdefault(name, {})
        pred = [label_of(scorer(x), cut) for x in sent_x]
        row["sentiment macro-R"] = pct(macro_recall(sent_y, pred, (0, 1, 2)))
        for key in (
            "TE anger F1",
            "offensive macro-F1",
            *(f"GE {g} F1" for g in GOEMOTIONS.values()),
        ):
            row[key] = "n/a"
        difficult = [scorer(x) <= -cut for x in bt_x]
        row.update(bitext_rows(bt_intent, difficult, None))
        speed[name] = throughput(lambda sc=scorer: [sc(x) for x in sent_x], len(sent_x))

    vader = speed.get("VADER")
    for name, value in speed.items():
        rows[name]["msgs/s (1 core)"] = f"{value:,.0f}"
        rows[name]["x VADER"] = f"{value / vader:.2f}x" if vader else "n/a"
    rules = speed.get("Calmdesk rules")
    if rules:  # the same run: assess() one at a time, and the sentiment scorer alone
        from calmdesk.analysis import assess, batch, sentiment
        from calmdesk.analysis.text import fold

        loop = throughput(lambda: [assess(x) for x in sent_x], len(sent_x))
        alone = throughput(lambda: [sentiment.score(x) for x in sent_x], len(sent_x))

        def scored_batch() -> None:  # with the collector off, as assess_many runs it
            with batch.collector_off():
                batch.score_many(sent_x, [fold(x) for x in sent_x])

        batched = throughput(scored_batch, len(sent_x))

        def ratio(value: float) -> str:
            return f" = {value / vader:.2f}x VADER" if vader else ""

        notes.append(
            f"Calmdesk rules, whole assess_many: {rules:,.0f} msgs/s; assess() in a loop: "
            f"{loop:,.0f} msgs/s{ratio(loop)}; the sentiment scorer alone (what VADER does): "
            f"{alone:,.0f} msgs/s{ratio(alone)} one text at a time, "
            f"{batched:,.0f} msgs/s{ratio(batched)} batched"
        )
    print_table(rows)
    for note in notes:
        print(note)
    return 0


def bitext_rows(
    intents: list[str], difficult: list[bool], churn: list[bool] | None
) -> dict[str, str]:
    def rate(flags: list[bool], keep: Callable[[str], bool]) -> float:
        picked = [f for f, i in zip(flags, intents, strict=True) if keep(i)]
        return sum(picked) / len(picked) if picked else 0.0

    others = [i for i in set(intents) if i not in DIFFICULT_INTENTS + CHURN_INTENTS]
    out = {
        "Bitext difficult R": pct(rate(difficult, lambda i: i in DIFFICULT_INTENTS)),
        "(others flagged)": pct(rate(difficult, lambda i: i in others)),
    }
    if churn is None:
        out["Bitext churn R"] = "n/a"
        out["(others churn)"] = "n/a"
    else:
        out["Bitext churn R"] = pct(rate(churn, lambda i: i in CHURN_INTENTS))
        out["(others churn)"] = pct(rate(churn, lambda i: i in others))
    return out


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def print_table(rows: dict[str, dict[str, str]]) -> None:
    names = list(rows)
    metrics = list(dict.fromkeys(k for r in rows.values() for k in r))
    width = max(len(m) for m in metrics) + 2
    cols = [max(len(n), 9) + 2 for n in names]
    print()
    print("metric".ljust(width) + "".join(n.rjust(c) for n, c in zip(names, cols, strict=True)))
    print("-" * (width + sum(cols)))
    for m in metrics:
        print(
            m.ljust(width)
            + "".join(rows[n].get(m, "").rjust(c) for n, c in zip(names, cols, strict=True))
        )
    print()


if __name__ == "__main__":
    sys.exit(main())
