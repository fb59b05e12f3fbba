"""Train the learned backend's heads (what `calmdesk train` runs).

For one task at a time: featurise the training texts (embedding, VADER, hashed
TF-IDF; see backends/learned.py), hold out a stratified part of the training
data to choose the regularisation and the decision thresholds, refit on all
training data with those choices, and report scores on the validation split
(or on the held-out part when the data has none). Nothing here looks at
validation data while fitting.

Embeddings are the slow part (about 100 texts per CPU-second). Pass
``cache_dir`` (or set CALMDESK_EMBED_CACHE) to keep them as .npy files keyed
by the texts' hash, so a second run with the same data skips them.

Pure Python + numpy/scipy/scikit-learn; imports no Django.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calmdesk.analysis.backends import learned as L
from calmdesk.analysis.datasets import Split, TaskData
from calmdesk.analysis.types import EMOTIONS, SENTIMENT_LABELS

TFIDF = {
    "n_features": 2**16,
    "word_ngrams": [1, 2],
    "char_ngrams": [2, 5],
    "token_pattern": r"(?u)\b\w+\b|[!?]+|[:;][-']?[()dp]",
}
# Relative weights of the feature blocks (the same L2 penalty applies to all).
BLOCK_WEIGHTS = {"emb": 0.25, "lex": 1.0, "tfidf": 1.0}
C_GRID = (0.3, 1.0)
TUNE_FRACTION = 0.15
SEED = 13

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ embeddings


def cache_path(texts: Sequence[str], embedder: str, cache_dir: str | Path | None) -> Path | None:
    """Where the embeddings of exactly these texts are kept (None: no cache)."""
    from calmdesk.analysis.backends.embedder import MAX_TOKENS

    cache_dir = cache_dir or os.environ.get("CALMDESK_EMBED_CACHE") or None
    if not cache_dir:
        return None
    h = hashlib.sha256(f"{embedder}|{MAX_TOKENS}|mean\n".encode())
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return Path(cache_dir) / f"{embedder}-{h.hexdigest()[:24]}.npy"


def embed(texts: Sequence[str], embedder: str, cache_dir: str | Path | None, log: Log = _stderr):
    """Mean-pooled embeddings of texts, cached on disk by content hash when asked."""
    import numpy as np

    from calmdesk.analysis.backends.embedder import get_embedder

    texts = [t[: L.MAX_CHARS] for t in texts]
    path = cache_path(texts, embedder, cache_dir)
    if path is not None and path.is_file():
        arr = np.load(path)
        if arr.shape == (len(texts), 384):
            log(f"  embeddings: {len(texts):,} texts from cache {path}")
            return arr.astype(np.float32)
    enc = get_embedder(embedder)
    t0 = time.perf_counter()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    step = 2048
    for start in range(0, len(texts), step):
        out[start : start + step] = enc.encode(texts[start : start + step])[0]
        done = min(start + step, len(texts))
        rate = done / max(time.perf_counter() - t0, 1e-9)
        log(f"  embeddings: {done:,}/{len(texts):,} ({rate:.0f} texts/s)")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out.astype(np.float16))
    return out


# ------------------------------------------------------------------ metrics


def f1(gold, pred) -> float:
    import numpy as np

    gold = np.asarray(gold, bool)
    pred = np.asarray(pred, bool)
    tp = float((gold & pred).sum())
    fp = float((~gold & pred).sum())
    fn = float((gold & ~pred).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(gold, pred) -> float:
    import numpy as np

    gold = np.asarray(gold, bool)
    pred = np.asarray(pred, bool)
    return (f1(gold, pred) + f1(~gold, ~pred)) / 2


def macro_recall(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    recalls = []
    for lab in labels:
        idx = [i for i, g in enumerate(gold) if g == lab]
        if idx:
            recalls.append(sum(pred[i] == lab for i in idx) / len(idx))
    return sum(recalls) / len(recalls) if recalls else 0.0


def best_threshold(p, gold, metric=f1) -> tuple[float, float]:
    import numpy as np

    gold = np.asarray(gold, bool)
    cands = np.unique(np.round(np.quantile(p, np.linspace(0.01, 0.995, 300)), 4))
    best, best_t = -1.0, 0.5
    for t in cands:
        v = metric(gold, p >= t)
        if v > best:
            best, best_t = v, float(t)
    return best_t, best


# ------------------------------------------------------------------ fitting


@dataclass
class Features:
    emb: Any
    lex: Any
    counts: Any

    def take(self, idx) -> Features:
        return Features(self.emb[idx], self.lex[idx], self.counts[idx])


def featurize(
    texts: Sequence[str],
    featurizer: L.Featurizer,
    embedder: str,
    cache_dir,
    log: Log,
    use_embeddings: bool = True,
) -> Features:
    import numpy as np

    texts = [t[: L.MAX_CHARS] for t in texts]
    if use_embeddings:
        emb = embed(texts, embedder, cache_dir, log)
    else:  # a lexical-only head: the embedding block has weight 0
        emb = np.zeros((len(texts), 384), dtype=np.float32)
    log(f"  lexical features for {len(texts):,} texts")
    return Features(emb, featurizer.lexical(texts), featurizer.counts(texts))


def _fit_arrays(f: Features) -> dict[str, Any]:
    """Standardisation and idf from training features."""
    import numpy as np

    n = f.counts.shape[0]
    df = np.bincount(f.counts.indices, minlength=f.counts.shape[1]).astype(np.float64)
    idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    mean = f.emb.mean(axis=0).astype(np.float32)
    scale = f.emb.std(axis=0).astype(np.float32)
    scale[scale < 1e-6] = 1.0
    return {"emb_mean": mean, "emb_scale": scale, "idf": idf}


def _design(arrays: dict[str, Any], f: Features, weights: dict[str, float]):
    import scipy.sparse as sp

    head = L.Head.__new__(L.Head)
    head.emb_mean, head.emb_scale, head.idf = arrays["emb_mean"], arrays["emb_scale"], arrays["idf"]
    head.weights = weights
    dense, sparse = head.design(f.emb, f.lex, f.counts)
    return sp.hstack([sp.csr_matrix(dense), sparse]).tocsr(), dense.shape[1]


def _fit_binary(x, y, c: float, balanced: bool):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=c, solver="liblinear", max_iter=500, class_weight="balanced" if balanced else None
    )
    clf.fit(x, y)
    return clf.coef_[0].astype("float32"), float(clf.intercept_[0])


def _sigmoid(z):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-z))


def _targets(task: str, labels: list) -> tuple[list[str], Any]:
    """(output names, 0/1 matrix n x outputs)."""
    import numpy as np

    if task == "sentiment":
        names = list(SENTIMENT_LABELS)
        y = np.array([[lab == n for n in names] for lab in labels], dtype=bool)
    elif task == "emotion":
        names = list(EMOTIONS)
        y = np.array([[n in lab for n in names] for lab in labels], dtype=bool).reshape(
            len(labels), len(names)
        )
    else:
        names = ["abuse"]
        y = np.array([[bool(lab)] for lab in labels], dtype=bool)
    return names, y


def _stratify_key(task: str, y):
    import numpy as np

    if task == "sentiment":
        return y.argmax(axis=1)
    # rarest positive label of each row, else "none"
    freq = y.sum(axis=0)
    key = np.full(y.shape[0], -1)
    for j in np.argsort(-freq):
        key[y[:, j]] = j
    return key


def _split_idx(task: str, y, fraction: float, seed: int):
    import numpy as np
    from sklearn.model_selection import train_test_split

    idx = np.arange(y.shape[0])
    key = _stratify_key(task, y)
    _, counts = np.unique(key, return_counts=True)
    strat = key if counts.min() >= 2 else None
    a, b = train_test_split(idx, test_size=fraction, random_state=seed, stratify=strat)
    return np.sort(a), np.sort(b)


@dataclass
class HeadResult:
    meta: dict[str, Any]
    arrays: dict[str, Any]
    report: list[str] = field(default_factory=list)


def _fit_outputs(task, x, y, cs, balanced, n_dense):
    import numpy as np

    coefs, intercepts = [], []
    for j in range(y.shape[1]):
        if y[:, j].all() or not y[:, j].any():
            coefs.append(np.zeros(x.shape[1], np.float32))
            intercepts.append(10.0 if y[:, j].all() else -10.0)
            continue
        w, b = _fit_binary(x, y[:, j], cs[j], balanced)
        coefs.append(w)
        intercepts.append(b)
    return np.vstack(coefs), np.array(intercepts, np.float32)


def fit_head(
    task: str,
    f: Features,
    labels: list,
    log: Log = _stderr,
    seed: int = SEED,
    weights: dict[str, float] | None = None,
) -> HeadResult:
    """Choose C (and thresholds) on a held-out part of train, then refit on all of it."""
    import numpy as np

    weights = dict(weights or BLOCK_WEIGHTS)
    names, y = _targets(task, labels)
    balanced = task == "sentiment"
    tr_idx, tu_idx = _split_idx(task, y, TUNE_FRACTION, seed)
    ftr, ftu = f.take(tr_idx), f.take(tu_idx)
    arrays = _fit_arrays(ftr)
    xtr, n_dense = _design(arrays, ftr, weights)
    xtu, _ = _design(arrays, ftu, weights)
    ytr, ytu = y[tr_idx], y[tu_idx]

    best_c = [C_GRID[0]] * len(names)
    best_score = [-1.0] * len(names)
    tuned_p: dict[float, Any] = {}
    for c in C_GRID:
        t0 = time.perf_counter()
        w, b = _fit_outputs(task, xtr, ytr, [c] * len(names), balanced, n_dense)
        p = _sigmoid(xtu @ w.T + b)
        tuned_p[c] = p
        if task == "sentiment":
            pn = p / p.sum(axis=1, keepdims=True)
            pred = [names[k] for k in pn.argmax(axis=1)]
            gold = [names[k] for k in ytu.argmax(axis=1)]
            s = macro_recall(gold, pred, names)
            scores = [s] * len(names)
            log(f"  C={c}: held-out macro-recall {100 * s:.1f} ({time.perf_counter() - t0:.0f}s)")
        else:
            scores = []
            for j in range(len(names)):
                metric = macro_f1 if task == "abuse" else f1
                scores.append(
                    best_threshold(p[:, j], ytu[:, j], metric)[1] if ytu[:, j].any() else 0.0
                )
            log(
                f"  C={c}: held-out best F1 "
                + ", ".join(f"{n} {100 * s:.1f}" for n, s in zip(names, scores, strict=True))
                + f" ({time.perf_counter() - t0:.0f}s)"
            )
        for j in range(len(names)):
            if scores[j] > best_score[j]:
                best_score[j], best_c[j] = scores[j], c

    thresholds = [0.5] * len(names)
    if task != "sentiment":
        for j in range(len(names)):
            if ytu[:, j].any():
                metric = macro_f1 if task == "abuse" else f1
                thresholds[j] = best_threshold(tuned_p[best_c[j]][:, j], ytu[:, j], metric)[0]
    tuning = {
        n: {
            "C": best_c[j],
            "held_out_score": round(100 * best_score[j], 2),
            "threshold": round(thresholds[j], 4),
        }
        for j, n in enumerate(names)
    }

    # Refit on all training data with the chosen settings.
    arrays = _fit_arrays(f)
    x, _ = _design(arrays, f, weights)
    w, b = _fit_outputs(task, x, y, best_c, balanced, n_dense)
    arrays.update(
        coef_dense=w[:, :n_dense].astype(np.float32),
        coef_sparse=w[:, n_dense:].astype(np.float16),
        intercept=b,
    )
    meta = {
        "labels": names,
        "thresholds": [round(t, 4) for t in thresholds],
        "block_weights": weights,
        "tuning": tuning,
        "n_train": int(y.shape[0]),
        "label_counts": {n: int(y[:, j].sum()) for j, n in enumerate(names)},
    }
    return HeadResult(meta, arrays)


# ------------------------------------------------------------------ evaluation


def evaluate(task: str, head: L.Head, f: Features, labels: list) -> dict[str, float]:
    """Scores of a fitted head on labelled data, at its own thresholds."""
    import numpy as np

    p = head.proba(f.emb, f.lex, f.counts)
    names, y = _targets(task, labels)
    out: dict[str, float] = {}
    if task == "sentiment":
        pn = p / p.sum(axis=1, keepdims=True)
        order = [head.labels.index(n) for n in names]
        pred = [names[k] for k in pn[:, order].argmax(axis=1)]
        out["macro_recall"] = round(100 * macro_recall(labels, pred, names), 2)
        out["accuracy"] = round(
            100 * float(np.mean([a == b for a, b in zip(pred, labels, strict=True)])), 2
        )
        return out
    for j, n in enumerate(names):
        if not y[:, j].any():
            continue
        k = head.labels.index(n)
        pred = L.calibrate(p[:, k], head.thresholds[k]) >= 0.5
        if task == "abuse":
            out["macro_f1"] = round(100 * macro_f1(y[:, j], pred), 2)
            out["f1"] = round(100 * f1(y[:, j], pred), 2)
        else:
            out[f"{n}_f1"] = round(100 * f1(y[:, j], pred), 2)
    return out


# ------------------------------------------------------------------ the whole run


def new_meta(embedder: str) -> dict[str, Any]:
    from calmdesk.analysis.backends.embedder import MAX_TOKENS

    return {
        "format": L.FORMAT,
        "format_version": L.FORMAT_VERSION,
        "embedder": {
            "name": embedder,
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "pooling": "mean",
            "max_tokens": MAX_TOKENS,
        },
        "tfidf": dict(TFIDF),
        "lexical": "vaderSentiment polarity_scores: neg, neu, pos, compound",
        "heads": {},
    }


def train_task(
    data: TaskData,
    meta: dict[str, Any],
    cache_dir: str | Path | None = None,
    val_fraction: float = 0.2,
    max_train: int | None = None,
    embedding_weight: float | None = None,
    log: Log = _stderr,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Fit one head; returns (head meta, head arrays, validation scores)."""
    import sklearn

    task = data.task
    featurizer = L.Featurizer(meta)
    embedder = meta["embedder"]["name"]
    train, val = data.train, data.val
    val_name = "validation split"
    if val is None:
        names, y = _targets(task, train.labels)
        a, b = _split_idx(task, y, val_fraction, SEED + 1)
        val = Split([train.texts[i] for i in b], [train.labels[i] for i in b])
        train = Split([train.texts[i] for i in a], [train.labels[i] for i in a])
        val_name = f"held-out {int(100 * val_fraction)}% of the data (not used for fitting)"
    if max_train and len(train) > max_train:
        log(
            f"{task}: using a stratified random {max_train:,} of the {len(train):,} training texts (--max-train)"
        )
        train = subsample(task, train, max_train)
    log(f"{task}: {len(train):,} training texts; validation: {val_name} ({len(val):,})")
    t0 = time.perf_counter()
    weights = dict(BLOCK_WEIGHTS)
    if embedding_weight is not None:
        weights["emb"] = float(embedding_weight)
    use_emb = weights["emb"] > 0
    if not use_emb:
        log(
            f"{task}: embedding weight 0: a lexical-only head (VADER + TF-IDF), no embeddings computed"
        )
    ftrain = featurize(train.texts, featurizer, embedder, cache_dir, log, use_emb)
    result = fit_head(task, ftrain, train.labels, log, weights=weights)
    head = L.Head(task, result.meta, result.arrays)
    scores: dict[str, Any] = {}
    fval = featurize(val.texts, featurizer, embedder, cache_dir, log, use_emb)
    scores["validation"] = evaluate(task, head, fval, val.labels)
    for name, split in data.extra_val.items():
        fx = featurize(split.texts, featurizer, embedder, cache_dir, log, use_emb)
        scores[name] = evaluate(task, head, fx, split.labels)
    result.meta.update(
        {
            "data": data.description,
            "sources": [{"name": n, "rows": r} for n, r in data.sources],
            "validation": val_name,
            "max_train": max_train,
            "scores": scores,
            "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "train_seconds": round(time.perf_counter() - t0, 1),
            "sklearn": sklearn.__version__,
        }
    )
    return result.meta, result.arrays, scores


def subsample(task: str, split: Split, max_rows: int | None, seed: int = SEED) -> Split:
    """A stratified random subset of at most max_rows rows (all rows when None)."""
    if not max_rows or len(split) <= max_rows:
        return split
    _, y = _targets(task, split.labels)
    _, keep = _split_idx(task, y, max_rows / len(split), seed + 2)
    return Split([split.texts[i] for i in keep], [split.labels[i] for i in keep])


def merge_base(base_path: Path | None, embedder: str, log: Log = _stderr):
    """(meta, arrays by head) to start from: the heads of an existing model, or none."""
    if base_path is None or not base_path.is_file():
        return new_meta(embedder), {}
    meta, arrays = L.read_model(base_path)
    fresh = new_meta(embedder)
    if meta.get("embedder") != fresh["embedder"] or meta.get("tfidf") != fresh["tfidf"]:
        log(f"note: {base_path} uses other features; its heads are not kept")
        return fresh, {}
    log(f"keeping the other heads of {base_path}: {', '.join(sorted(meta['heads'])) or 'none'}")
    return meta, arrays
