"""Labelled data for the learned backend: a team's CSV/TSV, or the public sets.

Every loader returns :class:`TaskData` with train and (where the source has
one) validation parts in Calmdesk's own label space:

- sentiment: one of ``negative``, ``neutral``, ``positive`` per text;
- emotion: a set of Calmdesk emotions per text (anger, frustration,
  disappointment, anxiety, gratitude), possibly empty;
- abuse: 0 or 1 per text.

Supported inputs (``fmt="auto"`` tells them apart):

- a CSV or TSV file with a text column (text, message, body, content,
  instruction, sentence) and a label column (label, labels, sentiment,
  emotion, emotions, abuse, offensive, class, score);
- a TweetEval task folder (``train_text.txt``/``train_labels.txt``/``val_*``
  plus ``mapping.txt``);
- a GoEmotions folder (``train.tsv``, ``dev.tsv``, ``labels.txt``);
- the root of the shared data folder (``tweeteval/``, ``goemotions/``,
  ``review_sentences/``): the public training mix of the shipped model.

Pure Python; imports no Django. Nothing here is copied anywhere: data are read
from the path given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from calmdesk.analysis.types import EMOTIONS

TASKS = ("sentiment", "emotion", "abuse")
FORMATS = ("auto", "csv", "tsv", "tweeteval", "goemotions", "shared")

TEXT_COLUMNS = ("text", "message", "body", "content", "instruction", "sentence", "comment")
LABEL_COLUMNS = (
    "label",
    "labels",
    "sentiment",
    "emotion",
    "emotions",
    "abuse",
    "offensive",
    "class",
    "score",
    "target",
)

# GoEmotions names (and a few common synonyms) for Calmdesk's emotions.
EMOTION_ALIASES = {
    "anger": "anger",
    "angry": "anger",
    "frustration": "frustration",
    "frustrated": "frustration",
    "annoyance": "frustration",
    "annoyed": "frustration",
    "disappointment": "disappointment",
    "disappointed": "disappointment",
    "anxiety": "anxiety",
    "anxious": "anxiety",
    "nervousness": "anxiety",
    "nervous": "anxiety",
    "worry": "anxiety",
    "worried": "anxiety",
    "gratitude": "gratitude",
    "grateful": "gratitude",
    "thanks": "gratitude",
}
NO_EMOTION = {"", "none", "neutral", "other", "no", "0", "-", "nan"}
SENTIMENT_ALIASES = {
    "negative": "negative",
    "neg": "negative",
    "-1": "negative",
    "bad": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
    "good": "positive",
}
ABUSE_TRUE = {"1", "true", "yes", "y", "abuse", "abusive", "offensive", "off", "toxic", "hate"}
ABUSE_FALSE = {
    "0",
    "false",
    "no",
    "n",
    "ok",
    "clean",
    "not-offensive",
    "not offensive",
    "not",
    "none",
    "non-toxic",
    "not-hate",
}


class DataError(ValueError):
    """The data cannot be used for training; the message says why and where."""


@dataclass
class Split:
    texts: list[str] = field(default_factory=list)
    labels: list = field(default_factory=list)  # str | frozenset[str] | int, by task

    def __len__(self) -> int:
        return len(self.texts)

    def extend(self, other: Split) -> None:
        self.texts.extend(other.texts)
        self.labels.extend(other.labels)


@dataclass
class TaskData:
    task: str
    train: Split
    val: Split | None
    description: str
    # Extra validation sets, reported but not used for fitting: name -> split
    extra_val: dict[str, Split] = field(default_factory=dict)
    # Names of the parts of train, in order, for per-source validation reports.
    sources: list[tuple[str, int]] = field(default_factory=list)
    # The data's own labels that are not Calmdesk scores, per training row, as
    # "source:label" (GoEmotions' joy, TweetEval's sadness...), and each source's
    # full list of them: extra outputs a fine-tuned encoder may learn from
    # (training only; see finetune.py). None where the data has no such labels.
    aux: list[frozenset[str]] | None = None
    aux_names: dict[str, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- label mapping


def sentiment_label(raw: str, numeric_map: dict[str, str] | None = None) -> str:
    key = raw.strip().lower()
    if numeric_map and key in numeric_map:
        return numeric_map[key]
    if key in SENTIMENT_ALIASES:
        return SENTIMENT_ALIASES[key]
    raise DataError(
        f"unknown sentiment label {raw!r} (use negative/neutral/positive, -1/0/1, or 0/1 for negative/positive)"
    )


def emotion_labels(raw: str) -> frozenset[str]:
    out = set()
    for part in raw.replace(";", ",").replace("|", ",").split(","):
        key = part.strip().lower()
        if key in NO_EMOTION:
            continue
        if key not in EMOTION_ALIASES:
            raise DataError(
                f"unknown emotion label {part.strip()!r} (use {', '.join(EMOTIONS)} or none; "
                "several may be joined with commas)"
            )
        out.add(EMOTION_ALIASES[key])
    return frozenset(out)


def abuse_label(raw: str) -> int:
    key = raw.strip().lower()
    if key in ABUSE_TRUE:
        return 1
    if key in ABUSE_FALSE:
        return 0
    raise DataError(f"unknown abuse label {raw!r} (use 1/0, yes/no, abusive/ok)")


def _sentiment_numeric_map(values: Iterable[str]) -> dict[str, str] | None:
    keys = {v.strip().lower() for v in values}
    if keys <= {"0", "1"}:
        return {"0": "negative", "1": "positive"}
    if keys <= {"0", "1", "2"}:  # TweetEval's mapping
        return {"0": "negative", "1": "neutral", "2": "positive"}
    if keys <= {"-1", "0", "1"}:
        return {"-1": "negative", "0": "neutral", "1": "positive"}
    return None


def convert_labels(task: str, raw: list[str], where: list[str]) -> list:
    """Map raw label strings to the task's label space; errors name the row."""
    numeric = _sentiment_numeric_map(raw) if task == "sentiment" else None
    out = []
    for value, loc in zip(raw, where, strict=True):
        try:
            if task == "sentiment":
                out.append(sentiment_label(value, numeric))
            elif task == "emotion":
                out.append(emotion_labels(value))
            else:
                out.append(abuse_label(value))
        except DataError as exc:
            raise DataError(f"{loc}: {exc}") from None
    return out


def check_classes(task: str, split: Split, name: str) -> None:
    """Refuse data a classifier cannot learn from (one class only)."""
    if not split.texts:
        raise DataError(f"{name}: no rows to train on")
    if task == "emotion":
        seen = set().union(*split.labels) if split.labels else set()
        if not seen:
            raise DataError(
                f"{name}: no row carries an emotion label ({', '.join(EMOTIONS)}): nothing to learn"
            )
        return
    classes = set(split.labels)
    if len(classes) < 2:
        only = next(iter(classes)) if classes else "none"
        raise DataError(
            f"{name}: the label column has one class only ({only!r}); a classifier needs at least two"
        )


# ---------------------------------------------------------------- readers


def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [line.rstrip("\r\n") for line in fh]


def read_table(path: Path, task: str, fmt: str = "auto", quoting: int = csv.QUOTE_MINIMAL) -> Split:
    """A CSV/TSV with a header naming a text column and a label column."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    if fmt == "auto":
        first = raw.split("\n", 1)[0]
        fmt = "tsv" if (path.suffix.lower() in (".tsv", ".tab") or "\t" in first) else "csv"
    delimiter = "\t" if fmt == "tsv" else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, quoting=quoting)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise DataError(f"{path}: cannot read a header line ({exc})") from None
    text_col = next((header.index(c) for c in TEXT_COLUMNS if c in header), None)
    if text_col is None:
        raise DataError(
            f"{path}: no text column in the header {header!r} (name it one of: {', '.join(TEXT_COLUMNS)})"
        )
    label_col = next((header.index(c) for c in (task, *LABEL_COLUMNS) if c in header), None)
    if label_col is None:
        raise DataError(
            f"{path}: no label column in the header {header!r} (name it one of: label, {task})"
        )
    texts: list[str] = []
    raw_labels: list[str] = []
    where: list[str] = []
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) <= max(text_col, label_col):
                raise DataError(
                    f"{path}:{line}: broken row: {len(row)} field(s), expected at least {max(text_col, label_col) + 1}"
                )
            text = row[text_col].strip()
            if not text:
                raise DataError(f"{path}:{line}: empty text")
            texts.append(text)
            raw_labels.append(row[label_col])
            where.append(f"{path}:{line}")
    except csv.Error as exc:
        raise DataError(f"{path}:{line}: broken row ({exc})") from None
    return Split(texts, convert_labels(task, raw_labels, where))


def read_tweeteval(folder: Path, task: str, split: str) -> Split:
    text_file = folder / f"{split}_text.txt"
    label_file = folder / f"{split}_labels.txt"
    if not text_file.is_file() or not label_file.is_file():
        raise DataError(
            f"{folder}: no {split}_text.txt/{split}_labels.txt (not a TweetEval folder?)"
        )
    texts = _read_lines(text_file)
    names = tweeteval_raw_names(folder, split)
    while texts and not texts[-1].strip() and len(texts) > len(names):
        texts.pop()
    if len(texts) != len(names):
        raise DataError(f"{folder}: {len(texts)} texts but {len(names)} labels in {split}")
    where = [f"{label_file}:{i + 1}" for i in range(len(names))]
    if task == "emotion":
        # TweetEval emotion: anger / joy / optimism / sadness. Only anger is ours.
        converted: list = [frozenset({"anger"}) if n == "anger" else frozenset() for n in names]
    elif task == "abuse":
        converted = convert_labels("abuse", names, where)
    else:
        converted = convert_labels("sentiment", names, where)
    return Split([t.strip() for t in texts], converted)


def _goemotions_rows(
    folder: Path, split: str, strict: bool = True
) -> tuple[list[str], list[str], list[list[str]]]:
    """(labels.txt's names, texts, each row's label names); a broken row is a DataError
    (skipped where not `strict`)."""
    path = folder / f"{split}.tsv"
    names = _read_lines(folder / "labels.txt")
    names = [n.strip() for n in names if n.strip()]
    texts: list[str] = []
    rows: list[list[str]] = []
    for i, line in enumerate(_read_lines(path)):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            if not strict:
                continue
            raise DataError(f"{path}:{i + 1}: broken row (expected text<TAB>label ids)")
        rows.append([names[int(x)] for x in parts[1].split(",") if x.strip()])
        texts.append(parts[0])
    return names, texts, rows


def _ours(label_names: list[str]) -> frozenset[str]:
    return frozenset(EMOTION_ALIASES[n] for n in label_names if n in EMOTION_ALIASES)


def read_goemotions(folder: Path, split: str) -> Split:
    _, texts, rows = _goemotions_rows(folder, split)
    return Split(texts, [_ours(r) for r in rows])


def goemotions_raw(folder: Path, split: str) -> tuple[list[str], list[set[str]]]:
    """GoEmotions texts with their original label names (for per-label reports);
    broken rows are skipped."""
    _, texts, rows = _goemotions_rows(folder, split, strict=False)
    return texts, [set(r) for r in rows]


def tweeteval_raw_names(folder: Path, split: str) -> list[str]:
    """TweetEval label names (through mapping.txt where there is one), one per row."""
    mapping = {}
    if (folder / "mapping.txt").is_file():
        for line in _read_lines(folder / "mapping.txt"):
            if "\t" in line:
                k, v = line.split("\t", 1)
                mapping[k.strip()] = v.strip()
    labels = _read_lines(folder / f"{split}_labels.txt")
    while labels and not labels[-1].strip():
        labels.pop()
    return [mapping.get(x.strip(), x.strip()) for x in labels]


def _emotion_aux(ge_names: list[str], ge_rows: list[list[str]], te_rows: list[str]):
    """(aux per row, aux names per source) for the shared emotion mix: GoEmotions'
    labels and TweetEval emotion's that are not Calmdesk emotions."""
    ours = set(EMOTION_ALIASES)
    ge_aux = [f"goemotions:{n}" for n in ge_names if n not in ours]
    te_aux = sorted({f"tweeteval/emotion:{n}" for n in te_rows if n not in ours})
    rows = [frozenset(f"goemotions:{n}" for n in labs if n not in ours) for labs in ge_rows]
    rows += [frozenset() if n in ours else frozenset({f"tweeteval/emotion:{n}"}) for n in te_rows]
    return rows, {"goemotions": ge_aux, "tweeteval/emotion": te_aux}


def read_review_sentences(folder: Path) -> Split:
    out = Split()
    for path in sorted(folder.glob("*_labelled.txt")):
        out.extend(read_table(path, "sentiment", "tsv", quoting=csv.QUOTE_NONE))
    return out


# ---------------------------------------------------------------- entry point


def detect_format(path: Path) -> str:
    if path.is_file():
        return "tsv" if path.suffix.lower() in (".tsv", ".tab") else "csv"
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if (path / "tweeteval").is_dir() or (path / "goemotions").is_dir():
        return "shared"
    if (path / "train_text.txt").is_file():
        return "tweeteval"
    if (path / "train.tsv").is_file() and (path / "labels.txt").is_file():
        return "goemotions"
    raise DataError(
        f"{path}: a folder, but neither the shared data root, a TweetEval task folder nor a GoEmotions folder"
    )


def load_task(task: str, path: str | Path, fmt: str = "auto") -> TaskData:
    """Training (and validation, where the source has it) data for one task."""
    if task not in TASKS:
        raise DataError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    path = Path(path)
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = detect_format(path)
    elif not path.exists():
        raise DataError(f"{path}: no such file or folder")

    if fmt in ("csv", "tsv"):
        if path.is_dir():
            raise DataError(f"{path}: a folder; --format {fmt} needs a file")
        split = read_table(path, task, fmt)
        check_classes(task, split, str(path))
        return TaskData(
            task,
            split,
            None,
            f"{path.name} ({len(split)} rows, {fmt})",
            sources=[(path.name, len(split))],
        )

    if fmt == "tweeteval":
        train = read_tweeteval(path, task, "train")
        val = read_tweeteval(path, task, "val") if (path / "val_text.txt").is_file() else None
        check_classes(task, train, str(path))
        return TaskData(
            task,
            train,
            val,
            f"TweetEval {path.name} train ({len(train)})",
            sources=[(f"tweeteval/{path.name}", len(train))],
        )

    if fmt == "goemotions":
        if task != "emotion":
            raise DataError("GoEmotions data has emotion labels only: use --task emotion")
        train = read_goemotions(path, "train")
        val = read_goemotions(path, "dev") if (path / "dev.tsv").is_file() else None
        check_classes(task, train, str(path))
        return TaskData(
            task,
            train,
            val,
            f"GoEmotions train ({len(train)})",
            sources=[("goemotions", len(train))],
        )

    # The shared data root: the public mix the shipped model is trained on.
    te = path / "tweeteval"
    if task == "sentiment":
        train = read_tweeteval(te / "sentiment", task, "train")
        val = read_tweeteval(te / "sentiment", task, "val")
        sources = [("tweeteval/sentiment", len(train))]
        desc = f"TweetEval sentiment train ({len(train)})"
        rs = path / "review_sentences"
        if rs.is_dir():
            extra = read_review_sentences(rs)
            train.extend(extra)
            sources.append(("review_sentences", len(extra)))
            desc += f" + review_sentences amazon/imdb ({len(extra)})"
        return TaskData(task, train, val, desc, sources=sources)
    if task == "abuse":
        train = read_tweeteval(te / "offensive", task, "train")
        val = read_tweeteval(te / "offensive", task, "val")
        return TaskData(
            task,
            train,
            val,
            f"TweetEval offensive train ({len(train)})",
            sources=[("tweeteval/offensive", len(train))],
        )
    # emotion: GoEmotions (all five emotions) + TweetEval emotion (anger vs the rest)
    ge_names, ge_texts, ge_rows = _goemotions_rows(path / "goemotions", "train")
    n_ge = len(ge_texts)
    ge_val = read_goemotions(path / "goemotions", "dev")
    tw = read_tweeteval(te / "emotion", task, "train")
    tw_val = read_tweeteval(te / "emotion", task, "val")
    train = Split(ge_texts, [_ours(r) for r in ge_rows])
    train.extend(tw)
    tw_rows = tweeteval_raw_names(te / "emotion", "train")  # as many as tw: read_tweeteval checked
    aux, aux_names = _emotion_aux(ge_names, ge_rows, tw_rows)
    return TaskData(
        task,
        train,
        ge_val,
        f"GoEmotions train ({n_ge}) + TweetEval emotion train ({len(tw)}, anger vs rest)",
        extra_val={"tweeteval/emotion": tw_val},
        sources=[("goemotions", n_ge), ("tweeteval/emotion", len(tw))],
        aux=aux,
        aux_names=aux_names,
    )
