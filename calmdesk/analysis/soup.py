"""Average fine-tuned encoders into one (a "model soup", `calmdesk train --soup`).

Runs of the same recipe that differ only in their batch order and dropout
(`--order-seed`) start from the same weights and learn from the same rows, so
their weights can be averaged: the soup runs as fast as one encoder, and an
average of runs varies less from run to run than any one of them does
(Wortsman et al., "Model soups", 2022). The members must share their held-out
rows (the same --seed and data), so the soup's thresholds and blend are chosen
on rows none of them learned from, by the same code as a run's
(holdout.choose_for_export).

The average is taken over the exported ONNX graphs, weight by weight: every
member's graph must be the same graph (same nodes, same weight names and
shapes), which runs of one recipe and one version of the export code are.

Pure Python; imports no Django.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields

from calmdesk.analysis.datasets import TaskData
from calmdesk.analysis.finetune import FineTuned, Log, Settings, _stderr, training_rows

# What members must share: the architecture, and what chooses their rows.
SHARED = ("layers", "max_tokens", "outputs", "aux_outputs")
SHARED_SETTINGS = ("seed", "max_train")


class SoupError(ValueError):
    """The given models cannot be souped (with a message saying why)."""


@dataclass
class Member:
    name: str  # how the user named it (a file path)
    meta: dict  # the model file's "encoder" record
    onnx: bytes


def average_onnx(graphs: Sequence[bytes]) -> bytes:
    """One ONNX graph whose float weights are the mean of the given graphs' weights
    (computed in float32, stored in each weight's own type); every other part must
    be identical."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    if len(graphs) < 2:
        raise SoupError("a soup needs at least two models")
    protos = [onnx.load_from_string(g) for g in graphs]
    first = protos[0]

    def shape(p):
        return [(n.op_type, list(n.input), list(n.output)) for n in p.graph.node]

    for i, p in enumerate(protos[1:], start=2):
        if shape(p) != shape(first) or [w.name for w in p.graph.initializer] != [
            w.name for w in first.graph.initializer
        ]:
            raise SoupError(f"model {i} is not the same graph as model 1")
    floats = (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16)
    for j, init in enumerate(first.graph.initializer):
        arrays = [numpy_helper.to_array(p.graph.initializer[j]) for p in protos]
        if any(a.shape != arrays[0].shape or a.dtype != arrays[0].dtype for a in arrays):
            raise SoupError(f"weight {init.name} differs in shape or type between the models")
        if init.data_type in floats:
            mean = np.mean([a.astype(np.float32) for a in arrays], axis=0)
            init.CopyFrom(numpy_helper.from_array(mean.astype(arrays[0].dtype), init.name))
        elif not all(np.array_equal(a, arrays[0]) for a in arrays[1:]):
            raise SoupError(f"constant {init.name} differs between the models")
    return first.SerializeToString()


def check_members(members: Sequence[Member]) -> Settings:
    """The settings the members share (SoupError if they cannot be souped)."""
    if len(members) < 2:
        raise SoupError("a soup needs at least two models")
    for m in members:
        if not isinstance(m.meta.get("settings"), dict):
            raise SoupError(f"{m.name}: its encoder records no training settings")
    first = members[0]
    for m in members[1:]:
        for key in SHARED:
            if m.meta.get(key) != first.meta.get(key):
                raise SoupError(
                    f"{m.name} and {first.name} differ in {key} "
                    f"({m.meta.get(key)!r} against {first.meta.get(key)!r})"
                )
        for key in SHARED_SETTINGS:
            a, b = m.meta["settings"].get(key), first.meta["settings"].get(key)
            if a != b:
                raise SoupError(
                    f"{m.name} and {first.name} were trained with another {key} ({a!r} against "
                    f"{b!r}): their held-out rows or architecture differ"
                )
    digests = [hashlib.sha256(m.onnx).hexdigest() for m in members]
    for i, d in enumerate(digests):
        if d in digests[:i]:
            raise SoupError(f"{members[i].name} holds the same encoder as an earlier model")
    known = {f.name for f in fields(Settings)}
    kept = {k: v for k, v in first.meta["settings"].items() if k in known and k != "order_seed"}
    if isinstance(kept.get("blend_weights"), list):
        kept["blend_weights"] = tuple(kept["blend_weights"])
    return Settings(**kept)


def make_soup(
    members: Sequence[Member],
    datas: Sequence[TaskData],
    blend_outputs: Sequence[str] = (),
    threads: int = 1,
    log: Log = _stderr,
) -> FineTuned:
    """The members' average, with thresholds and blend chosen on their shared held-out
    rows of `datas` (the data they were trained on)."""
    from calmdesk.analysis.holdout import choose_for_export

    t0 = time.perf_counter()
    s = check_members(members)
    s.threads = threads
    first = members[0].meta
    if first.get("aux_outputs"):
        raise SoupError("models trained with --aux-outputs cannot be souped here")
    if any(m.meta.get("anger_mix") for m in members):
        raise SoupError("models trained with --anger-per-source cannot be souped here")
    rows, tr, ho, _ = training_rows(datas, s)
    for m in members:
        if (m.meta.get("train_rows"), m.meta.get("heldout_rows")) != (len(tr), len(ho)):
            raise SoupError(
                f"{m.name} was trained on {m.meta.get('train_rows')} rows with "
                f"{m.meta.get('heldout_rows')} held out; this data gives {len(tr)} and {len(ho)}: "
                "give the data it was trained on"
            )
    log(f"soup: the mean of {len(members)} encoders; choices on {len(ho):,} held-out rows")
    onnx_bytes = average_onnx([m.onnx for m in members])
    thresholds, weights, scores = choose_for_export(onnx_bytes, rows, tr, ho, s, blend_outputs, log)
    meta = {
        **{k: v for k, v in first.items() if k not in ("scores",)},
        "model": f"{first['model']}; the uniform average (soup) of {len(members)} runs",
        "thresholds": thresholds,
        "blend": weights,
        "heldout_scores": scores,
        "epoch": [m.meta.get("epoch") for m in members],
        "settings": {**first["settings"], "order_seed": None},
        "soup": [
            {
                "model": m.name.rsplit("/", 1)[-1],
                "sha256": hashlib.sha256(m.onnx).hexdigest(),
                "epoch": m.meta.get("epoch"),
                "order_seed": m.meta["settings"].get("order_seed"),
                "heldout_scores": m.meta.get("heldout_scores"),
            }
            for m in members
        ],
        "train_seconds": round(
            sum(m.meta.get("train_seconds", 0) for m in members) + time.perf_counter() - t0, 1
        ),
    }
    return FineTuned(onnx_bytes, meta)
