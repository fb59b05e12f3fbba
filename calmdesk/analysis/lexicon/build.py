"""Rebuild sentiment_weights.tsv from public TRAIN splits.

    python -m calmdesk.analysis.lexicon.build --data ../shared/data

Reads tweeteval/sentiment/train_* (negative/neutral/positive tweets) and
review_sentences/*_labelled.txt (negative/positive review sentences), turns
each text into features with calmdesk.analysis.sentiment.extract (the same
code the engine scores with), fits a class-balanced multinomial logistic
regression (scikit-learn; only needed here, never at run time), picks C by
3-fold cross-validation on the TRAIN data only, and writes the weights
relative to the neutral class, plus PROVENANCE.md. Validation splits are
never read. Needs the `ml` extra (numpy, scikit-learn).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import math
import sys
from collections import Counter
from pathlib import Path

from calmdesk.analysis.lexicon import WEIGHTS_FILE, vader_lexicon
from calmdesk.analysis.sentiment import DENSE, extract, vader_sums

LABELS = ("negative", "neutral", "positive")
MIN_DF_UNIGRAM = 3
MIN_DF_BIGRAM = 4
MAX_KEYS = 12_000  # size budget for the learned keys in the shipped file
VADER_MIN = 0.05  # smallest folded weight kept for a VADER-only word
C_GRID = (0.03, 0.06)


def read_train(data: Path) -> tuple[list[str], list[int], dict[str, int]]:
    texts: list[str] = []
    labels: list[int] = []
    counts: dict[str, int] = {}
    tw = data / "tweeteval" / "sentiment"
    with open(tw / "train_text.txt", encoding="utf-8") as ft, open(tw / "train_labels.txt") as fl:
        for text, label in zip(ft, fl, strict=True):
            texts.append(text.rstrip("\n"))
            labels.append(int(label))
    counts["tweeteval/sentiment train"] = len(texts)
    for name in ("amazon_cells_labelled.txt", "imdb_labelled.txt"):
        path = data / "review_sentences" / name
        if not path.exists():
            continue
        n = 0
        with open(path, encoding="utf-8", errors="replace") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) < 2 or row[1].strip() not in ("0", "1"):
                    continue  # header or broken line
                texts.append(row[0])
                labels.append(0 if row[1].strip() == "0" else 2)
                n += 1
        counts[f"review_sentences/{name}"] = n
    return texts, labels, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    parser.add_argument(
        "--no-bigrams", action="store_true", help="weigh single words only (faster to score)"
    )
    args = parser.parse_args(argv)
    try:
        import numpy as np
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import recall_score
        from sklearn.model_selection import StratifiedKFold
    except ImportError as exc:
        print(f"needs the ml extra (numpy, scikit-learn): {exc}", file=sys.stderr)
        return 1

    texts, labels, counts = read_train(args.data)
    feats = [extract(t, bigrams=not args.no_bigrams) for t in texts]
    df: Counter[str] = Counter()
    for f in feats:
        df.update(set(f.keys))
    vocab = {
        k: i
        for i, k in enumerate(
            sorted(k for k, c in df.items() if c >= (MIN_DF_BIGRAM if " " in k else MIN_DF_UNIGRAM))
        )
    }
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        seen: dict[int, float] = {}
        weights = f.weights or [1.0] * len(f.keys)
        for k, w in zip(f.keys, weights, strict=True):
            j = vocab.get(k)
            if j is not None:
                seen[j] = seen.get(j, 0.0) + w
        for j, w in seen.items():
            rows.append(r)
            cols.append(j)
            vals.append(w)
    sparse = csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)))
    dense = csr_matrix(
        np.array([[f.dense[n] for n in DENSE] + [v / 4.0 for v in vader_sums(f)] for f in feats])
    )
    X = hstack([sparse, dense]).tocsr()
    y = np.array(labels)

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=2000)

    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    cv_scores: dict[float, float] = {}
    for c in C_GRID:
        scores = []
        for tr, te in cv.split(X, y):
            m = model(c).fit(X[tr], y[tr])
            scores.append(recall_score(y[te], m.predict(X[te]), average="macro"))
        cv_scores[c] = float(np.mean(scores))
        print(f"C={c}: 3-fold CV macro-recall on train {cv_scores[c]:.4f}", file=sys.stderr)
    best_c = max(cv_scores, key=lambda c: cv_scores[c])
    m = model(best_c).fit(X, y)
    coef = m.coef_ - m.coef_[1]  # relative to neutral: softmax is unchanged
    bias = m.intercept_ - m.intercept_[1]

    # Fold the two VADER columns into per-key weights: they are linear in the keys.
    # Kept: the MAX_KEYS learned keys that matter most (|w| x log(1 + df)), plus
    # every plain VADER word or emoji the training data never showed (VADER's
    # coverage of rare words), as far as its folded weight is not negligible.
    j_vpos, j_vneg = len(vocab) + len(DENSE), len(vocab) + len(DENSE) + 1
    lex = vader_lexicon()

    def folded(key: str) -> list[float]:
        v = lex.get(key, 0.0)
        return [
            (coef[col, j_vpos] * max(v, 0.0) + coef[col, j_vneg] * max(-v, 0.0)) / 4.0
            for col in (0, 2)
        ]

    learned = {
        k: [coef[0, j] + f[0], coef[2, j] + f[1]] for k, j in vocab.items() for f in [folded(k)]
    }
    ranked = sorted(learned, key=lambda k: -max(map(abs, learned[k])) * math.log1p(df[k]))
    kept_items = [(k, learned[k]) for k in ranked[:MAX_KEYS]]
    for key in lex:
        if key in vocab or key.startswith(("NOT_", "INT_")):
            continue
        w = folded(key)
        if max(map(abs, w)) >= VADER_MIN:
            kept_items.append((key, w))
    kept_items = [(k, w) for k, w in kept_items if "\t" not in k and "\n" not in k]
    kept = len(kept_items)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# key\tw_negative\tw_positive (relative to neutral); see PROVENANCE.md\n")
        out.write(f"__bias__\t{bias[0]:.4f}\t{bias[2]:.4f}\n")
        for i, name in enumerate(DENSE):
            j = len(vocab) + i
            out.write(f"__dense__:{name}\t{coef[0, j]:.4f}\t{coef[2, j]:.4f}\n")
        for key, (wn, wp) in sorted(kept_items):
            out.write(f"{key}\t{wn:.3f}\t{wp:.3f}\n")
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]
    prov = args.out.with_name("PROVENANCE.md")
    lines = [
        "# sentiment_weights.tsv — provenance",
        "",
        "Rebuilt by `python -m calmdesk.analysis.lexicon.build --data PATH`"
        f" on {dt.datetime.now(dt.UTC).date().isoformat()}.",
        "",
        "Training data (public TRAIN splits only; no text is shipped, only weights):",
        *[f"- {k}: {v} texts" for k, v in counts.items()],
        "",
        "Licences: TweetEval texts fall under Twitter's terms (only derived weights",
        "are shipped); UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015).",
        "",
        f"Model: multinomial logistic regression, class_weight=balanced, C={best_c}",
        f"(picked by 3-fold CV on train: {', '.join(f'C={c}: {s:.4f}' for c, s in cv_scores.items())}).",
        f"Features: {len(vocab)} unigram/bigram keys (min df {MIN_DF_UNIGRAM}/{MIN_DF_BIGRAM})"
        f" + {len(DENSE)} dense + 2 VADER-valence sums (folded into the key weights);",
        f"kept: the {MAX_KEYS} learned keys with the largest |w| x log(1 + df) and every",
        f"VADER-only word or emoji with a folded |w| >= {VADER_MIN}: {kept} keys in all.",
        f"File sha256 (first 16): {digest}",
        "",
    ]
    prov.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out} ({kept} keys) and {prov}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
