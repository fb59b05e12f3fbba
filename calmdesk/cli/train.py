"""`calmdesk train`: fit the learned backend's heads on labelled data.

    calmdesk train --task sentiment --data history.csv --out model.npz
    calmdesk train --task all --data ../shared/data --out calmdesk/analysis/models/default.npz

Reads a CSV/TSV with text and label columns, or the public data formats
(TweetEval folder, GoEmotions folder, the shared data root), prints
validation scores, and writes a versioned model file that the learned backend
loads (set CALMDESK_MODEL_PATH to use it). Training one task keeps the other
heads of the existing model (--base, default the --out file if it exists,
else the shipped model), so a team can retrain only what it has labels for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from calmdesk.cli import CommandError

TASK_CHOICES = ("sentiment", "emotion", "abuse", "all")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train the learned analysis model on labelled data",
        description=(
            "Train the learned backend (sentence embeddings + small heads) from a CSV/TSV "
            "with text and label columns, or from the public data formats, and save a model file."
        ),
    )
    p.add_argument("--task", required=True, choices=TASK_CHOICES, help="which head to train")
    p.add_argument(
        "--data",
        required=True,
        help="CSV/TSV file, TweetEval/GoEmotions folder, or the shared data root",
    )
    p.add_argument(
        "--out",
        help="model file to write (default: $CALMDESK_MODEL_PATH, else ./calmdesk-model.npz)",
    )
    p.add_argument(
        "--format",
        default="auto",
        choices=("auto", "csv", "tsv", "tweeteval", "goemotions", "shared"),
        help="input format (default: auto-detect)",
    )
    p.add_argument(
        "--base",
        help="model whose other heads are kept (default: the --out file if it exists, else the shipped model); "
        "'none' to start empty",
    )
    p.add_argument(
        "--cache-dir", help="keep embeddings here between runs (or set CALMDESK_EMBED_CACHE)"
    )
    p.add_argument(
        "--val-fraction",
        type=float,
        default=0.2,
        help="part of the data held out for validation when it has no validation split (default 0.2)",
    )
    p.add_argument(
        "--max-train",
        type=int,
        metavar="N",
        help="train on a stratified random N of the training texts (embedding is the slow part)",
    )
    p.add_argument(
        "--embedding-weight",
        type=float,
        metavar="W",
        help="weight of the sentence-embedding block (default 0.25); 0 trains a lexical-only head "
        "(VADER + TF-IDF) without computing embeddings",
    )
    p.add_argument(
        "--fine-tune",
        action="store_true",
        help="fine-tune a cut-down MiniLM encoder for the emotion and abuse tasks (needs torch); "
        "it is stored in the model file beside the heads and supersedes their scores",
    )
    p.add_argument(
        "--layers", type=int, default=3, help="--fine-tune: encoder layers kept, 1-6 (default 3)"
    )
    p.add_argument("--epochs", type=int, default=3, help="--fine-tune: epochs (default 3)")
    p.add_argument("--threads", type=int, default=1, help="--fine-tune: torch threads (default 1)")
    p.add_argument(
        "--lr", type=float, default=8e-5, help="--fine-tune: peak learning rate (default 8e-5)"
    )
    p.add_argument(
        "--aux-outputs",
        action="store_true",
        help="--fine-tune: also learn the data's other labels (GoEmotions' other emotions, "
        "TweetEval's joy/optimism/sadness) as extra training-only outputs",
    )
    p.add_argument(
        "--anger-only-repeat",
        type=int,
        default=2,
        help="--fine-tune: times per epoch the rows of anger-only data (TweetEval emotion) are seen (default 2)",
    )
    p.add_argument(
        "--anger-per-source",
        action="store_true",
        help="--fine-tune: anger-only data (TweetEval emotion) teaches an anger output of its "
        "own; the model's anger mixes it with the shared one, the mix chosen on held-out rows",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="--fine-tune: seed of the held-out split, initial weights and batch order (default 0)",
    )
    p.add_argument(
        "--order-seed",
        type=int,
        help="--fine-tune: seed of the batch order and dropout only (default: --seed); "
        "runs that differ only in it share held-out rows and initial weights (see --soup)",
    )
    p.add_argument(
        "--soup",
        nargs="+",
        metavar="MODEL",
        help="instead of training, average the fine-tuned encoders of these model files (runs "
        "that share --seed and data, e.g. with different --order-seed) into one; its thresholds "
        "and blend are chosen on their shared held-out rows of --data",
    )
    p.add_argument(
        "--work-dir",
        help="--fine-tune: keep the per-epoch checkpoints here (default: a temp folder)",
    )
    p.add_argument("--json", action="store_true", help="print the validation scores as JSON")
    p.set_defaults(func=run)


def _out_path(arg: str | None) -> Path:
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get("CALMDESK_MODEL_PATH", "").strip()
    return Path(env).expanduser() if env else Path("calmdesk-model.npz")


def run(args: argparse.Namespace) -> int:
    try:
        from calmdesk.analysis.backends import learned
    except ImportError as exc:  # pragma: no cover - numpy is part of the ml extra
        raise CommandError(f"{exc}; install calmdesk[ml]") from None
    try:
        learned._require_ml()
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    from calmdesk.analysis import datasets, training
    from calmdesk.analysis.backends.embedder import DEFAULT_EMBEDDER

    if not 0.05 <= args.val_fraction <= 0.5:
        raise CommandError("--val-fraction must be between 0.05 and 0.5")
    if args.max_train is not None and args.max_train < 20:
        raise CommandError("--max-train must be at least 20")
    if args.embedding_weight is not None and not 0 <= args.embedding_weight <= 10:
        raise CommandError("--embedding-weight must be between 0 and 10")
    data_path = Path(args.data).expanduser()
    if not data_path.exists():
        raise CommandError(f"{data_path}: no such file or folder")
    out = _out_path(args.out)
    if out.exists() and out.is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as {out / 'model.npz'}")
    tasks = ("sentiment", "emotion", "abuse") if args.task == "all" else (args.task,)
    if args.soup:
        if args.fine_tune:
            raise CommandError("--soup averages runs already made; leave out --fine-tune")
        if args.task == "sentiment":
            raise CommandError(
                "--soup covers the emotion and abuse tasks; sentiment keeps its head"
            )
        if len(args.soup) < 2:
            raise CommandError("--soup needs at least two model files")
        for name in args.soup:
            if not Path(name).expanduser().is_file():
                raise CommandError(f"--soup {name}: no such file")
        tasks = tuple(t for t in tasks if t != "sentiment")
    if args.fine_tune:
        if args.task == "sentiment":
            raise CommandError(
                "--fine-tune covers the emotion and abuse tasks; sentiment keeps its head"
            )
        if not 1 <= args.layers <= 6:
            raise CommandError("--layers must be between 1 and 6")
        if not 1 <= args.epochs <= 20:
            raise CommandError("--epochs must be between 1 and 20")
        if not 1 <= args.anger_only_repeat <= 10:
            raise CommandError("--anger-only-repeat must be between 1 and 10")
        if not 0 <= args.seed < 2**32:
            raise CommandError("--seed must be between 0 and 4294967295")
        if args.order_seed is not None and not 0 <= args.order_seed < 2**32:
            raise CommandError("--order-seed must be between 0 and 4294967295")
        if not 0 < args.lr < 0.01:
            raise CommandError("--lr must be between 0 and 0.01")
        if not 1 <= args.threads <= 64:
            raise CommandError("--threads must be between 1 and 64")
        tasks = tuple(t for t in tasks if t != "sentiment")

    # Load (and check) all data before the slow part.
    loaded = []
    for task in tasks:
        try:
            loaded.append(datasets.load_task(task, data_path, args.format))
        except datasets.DataError as exc:
            raise CommandError(str(exc)) from None

    if args.base and args.base.lower() == "none":
        base = None
    elif args.base:
        base = Path(args.base).expanduser()
        if not base.is_file():
            raise CommandError(f"--base {base}: no such file")
    elif out.is_file():
        base = out
    else:
        base = learned.DEFAULT_MODEL if learned.DEFAULT_MODEL.is_file() else None
    try:
        meta, arrays = training.merge_base(base, DEFAULT_EMBEDDER)
    except (learned.ModelFormatError, FileNotFoundError) as exc:
        raise CommandError(f"cannot keep the other heads: {exc} (use --base none)") from None

    if args.fine_tune or args.soup:
        report = (_soup if args.soup else _fine_tune)(args, loaded, meta, arrays)
        loaded = []
    else:
        report = {}
    for data in loaded:
        try:
            head_meta, head_arrays, scores = training.train_task(
                data,
                meta,
                cache_dir=args.cache_dir,
                val_fraction=args.val_fraction,
                max_train=args.max_train,
                embedding_weight=args.embedding_weight,
            )
        except datasets.DataError as exc:
            raise CommandError(str(exc)) from None
        meta["heads"][data.task] = head_meta
        arrays[data.task] = head_arrays
        report[data.task] = scores
        _retire_encoder_outputs(meta, arrays, data.task, head_meta["labels"])
        if not args.json:
            print(f"{data.task}: trained on {data.description}")
            print(f"  tuned on a held-out 15% of train: {_fmt_tuning(head_meta['tuning'])}")
            for name, vals in scores.items():
                label = head_meta["validation"] if name == "validation" else name
                print(f"  {label}: " + ", ".join(f"{k} {v:.2f}" for k, v in vals.items()))

    # a version 1 base is written as the current version
    meta["format_version"] = learned.FORMAT_VERSION
    learned.write_model(out, meta, arrays)
    learned.clear_cache()
    if args.json:
        print(json.dumps({"model": str(out), "scores": report}, indent=2))
    else:
        print(
            f"saved {out} ({out.stat().st_size / 1e6:.1f} MB; heads: {', '.join(sorted(meta['heads']))})"
        )
        print(f"use it with: CALMDESK_MODEL_PATH={out} (backend 'learned')")
    sys.stdout.flush()
    return 0


def _retire_encoder_outputs(meta: dict, arrays: dict, task: str, labels: list) -> None:
    """A head retrained on new data decides its outputs from now on: the fine-tuned
    encoder's thresholds and blends for them were chosen with the old head."""
    enc = meta.get("encoder")
    if not enc:
        return
    gone = [lab for lab in labels if lab in enc.get("thresholds", {})]
    for lab in gone:
        enc["thresholds"].pop(lab)
        enc.get("blend", {}).pop(lab, None)
    if gone:
        print(
            f"note: the fine-tuned encoder no longer scores {', '.join(gone)}: the new {task} head "
            "does (run with --fine-tune to fine-tune on this data too)",
            file=sys.stderr,
        )
    if not enc.get("thresholds"):
        del meta["encoder"]
        arrays.pop("encoder", None)


def _fine_tune(args: argparse.Namespace, loaded: list, meta: dict, arrays: dict) -> dict:
    """Fine-tune the encoder on the loaded tasks and put it into (meta, arrays)."""
    from calmdesk.analysis import finetune

    try:
        finetune.require()
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    settings = finetune.Settings(
        layers=args.layers,
        epochs=args.epochs,
        threads=args.threads,
        work_dir=args.work_dir,
        max_train=args.max_train,
        lr=args.lr,
        anger_only_repeat=args.anger_only_repeat,
        aux_outputs=args.aux_outputs,
        anger_per_source=args.anger_per_source,
        seed=args.seed,
        order_seed=args.order_seed,
    )
    try:
        result = finetune.fine_tune(loaded, settings, blend_outputs=_blend_outputs(meta))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    scores = _store_encoder(result, loaded, meta, arrays)
    if not args.json:
        print(
            f"fine-tuned encoder ({args.layers} layers) on: "
            + "; ".join(d.description for d in loaded)
        )
        print(
            f"  chosen on held-out training data: epoch {result.meta['epoch']}, blend {result.meta['blend']}"
            + (
                f", anger {result.meta['anger_mix']['shared']} x shared output"
                if result.meta.get("anger_mix")
                else ""
            )
        )
        for name, vals in scores.items():
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in vals.items()))
    return {"encoder": scores}


def _blend_outputs(meta: dict) -> list[str]:
    """The encoder's outputs that have a lexical head beside them to blend with."""
    from calmdesk.analysis.finetune import OUTPUTS

    return [o for o in OUTPUTS if ("abuse" if o == "abuse" else "emotion") in meta["heads"]]


def _store_encoder(result, loaded: list, meta: dict, arrays: dict) -> dict:
    """Validation scores of a fine-tuned (or souped) encoder, stored into (meta, arrays)."""
    import numpy as np

    from calmdesk.analysis import finetune

    scores = finetune.validate(result, loaded, meta, arrays)
    result.meta["scores"] = scores
    meta["encoder"] = result.meta
    arrays["encoder"] = {"onnx": np.frombuffer(result.onnx, dtype=np.uint8)}
    return scores


def _soup(args: argparse.Namespace, loaded: list, meta: dict, arrays: dict) -> dict:
    """Average the encoders of args.soup and put the soup into (meta, arrays)."""
    from calmdesk.analysis import finetune, soup
    from calmdesk.analysis.backends import learned

    try:
        finetune.require(torch=False)
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    members = []
    for name in args.soup:
        try:
            m_meta, m_arrays = learned.read_model(Path(name).expanduser())
        except (learned.ModelFormatError, OSError, ValueError) as exc:
            raise CommandError(f"--soup {name}: {exc}") from None
        if "encoder" not in m_meta or "encoder" not in m_arrays:
            raise CommandError(f"--soup {name}: the model has no fine-tuned encoder")
        members.append(soup.Member(name, m_meta["encoder"], bytes(m_arrays["encoder"]["onnx"])))
    try:
        result = soup.make_soup(members, loaded, _blend_outputs(meta), threads=args.threads)
    except ValueError as exc:  # SoupError, or data the members were not trained on
        raise CommandError(str(exc)) from None
    scores = _store_encoder(result, loaded, meta, arrays)
    if not args.json:
        print(f"soup of {len(members)} fine-tuned encoders: " + ", ".join(args.soup))
        print(f"  chosen on their shared held-out training data: blend {result.meta['blend']}")
        for name, vals in scores.items():
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in vals.items()))
    return {"encoder": scores}


def _fmt_tuning(tuning: dict) -> str:
    parts = []
    for name, t in tuning.items():
        s = f"{name} C={t['C']}"
        if t.get("threshold") not in (None, 0.5):
            s += f" threshold={t['threshold']}"
        parts.append(s)
    return "; ".join(parts)
