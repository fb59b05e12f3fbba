"""Throughput and validation scores of the learned backend (prints, never asserts).

    python bench/learned.py [--data ../shared/data] [--model PATH] [--threads 2] [--n 2000]

Throughput: score_many over the TweetEval sentiment validation texts, in
messages per wall-clock second and per CPU-second of this process (the second
does not depend on what else the machine is running). The embedder's time is
shown apart from the heads'.

Scores: each head at its own stored thresholds (0.5 after calibration) on the
validation splits: TweetEval sentiment macro-recall, TweetEval emotion anger F1,
TweetEval offensive macro-F1, GoEmotions dev F1 for anger, annoyance,
disappointment, nervousness and gratitude.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--skip-scores", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from calmdesk.analysis import datasets as D
    from calmdesk.analysis.backends import embedder as E
    from calmdesk.analysis.backends import learned as L
    from calmdesk.analysis.training import f1, macro_f1, macro_recall

    E._CACHE[(E.DEFAULT_EMBEDDER, None)] = E.get_embedder(E.DEFAULT_EMBEDDER, threads=args.threads)
    backend = L.load_backend(args.model, threads=args.threads)
    root = Path(args.data)
    sent = D.read_tweeteval(root / "tweeteval/sentiment", "sentiment", "val")
    texts = sent.texts[: args.n]
    backend.score_many(texts[:64])  # warm up

    uses_emb = any(h.weights["emb"] for h in backend.heads.values())
    if uses_emb:
        w0, c0 = time.perf_counter(), time.process_time()
        backend.featurizer.embed(texts)
        emb_w, emb_c = time.perf_counter() - w0, time.process_time() - c0
    if backend.encoder is not None:
        w0, c0 = time.perf_counter(), time.process_time()
        backend.encoder.probs(texts)
        enc_w, enc_c = time.perf_counter() - w0, time.process_time() - c0
    w0, c0 = time.perf_counter(), time.process_time()
    backend.score_many(texts)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    n = len(texts)
    print(
        f"learned backend {backend.path.name}, embedder {backend.meta['embedder']['name']}, "
        f"{args.threads} threads, {n} TweetEval sentiment val texts"
    )
    print(
        f"  score_many: {n / wall:.0f} msg/s wall, {n / cpu:.0f} msg per CPU-second of this process"
    )
    if uses_emb:
        print(f"  embedding alone: {n / emb_w:.0f} msg/s wall, {n / emb_c:.0f} msg per CPU-second")
    else:
        print("  no head uses the embedding block: the embedding model is not run")
    if backend.encoder is not None:
        layers = backend.encoder_meta["layers"]
        print(
            f"  fine-tuned encoder ({layers} layers) alone: {n / enc_w:.0f} msg/s wall, "
            f"{n / enc_c:.0f} msg per CPU-second"
        )
    print(f"  load average now: {os.getloadavg()[0]:.1f}")
    if args.skip_scores:
        return 0

    def scores(texts):
        return backend.score_many(texts)

    res = scores(sent.texts)
    lab = [max(s.sentiment_probs, key=s.sentiment_probs.get) for s in res]
    print(
        f"TweetEval sentiment val macro-recall: {100 * macro_recall(sent.labels, lab, ['negative', 'neutral', 'positive']):.1f}"
    )
    emo = D.read_tweeteval(root / "tweeteval/emotion", "emotion", "val")
    res = scores(emo.texts)
    print(
        f"TweetEval emotion val anger F1: {100 * f1(['anger' in y for y in emo.labels], [s.emotions['anger'] >= 0.5 for s in res]):.1f}"
    )
    off = D.read_tweeteval(root / "tweeteval/offensive", "abuse", "val")
    res = scores(off.texts)
    print(
        f"TweetEval offensive val macro-F1: {100 * macro_f1([bool(y) for y in off.labels], [s.abuse >= 0.5 for s in res]):.1f}"
    )
    gtexts, glabels = D.goemotions_raw(root / "goemotions", "dev")
    res = scores(gtexts)
    for ours, theirs in (
        ("anger", "anger"),
        ("frustration", "annoyance"),
        ("disappointment", "disappointment"),
        ("anxiety", "nervousness"),
        ("gratitude", "gratitude"),
    ):
        v = f1([theirs in y for y in glabels], [s.emotions[ours] >= 0.5 for s in res])
        print(f"GoEmotions dev {theirs} F1 (our {ours}): {100 * v:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
