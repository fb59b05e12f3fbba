"""Choices a fine-tuning run makes on its held-out rows (a part of the TRAINING data):
each output's threshold, the anger mix of a run with an anger output per source
and, where a lexical head sits beside the encoder at run time, the blend of the
two. Used by `calmdesk train --fine-tune` and `--soup`.

Pure Python; imports no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

from calmdesk.analysis.finetune import ANGER, OUTPUTS, Log, Rows, Settings, _stderr


def choose_thresholds(probs, rows: Rows, idx) -> tuple[dict[str, float], dict[str, float]]:
    """Per output: the threshold with the best held-out F1 (abuse: macro-F1) and that score.

    An output labelled by several sources (anger) gets the threshold with the
    best mean F1 over those sources."""
    import numpy as np

    from calmdesk.analysis.training import best_threshold, f1, macro_f1

    y = np.asarray(rows.targets, np.float32)[idx]
    m = np.asarray(rows.masks, np.float32)[idx] > 0
    src = np.asarray(rows.sources)[idx]
    thresholds: dict[str, float] = {}
    scores: dict[str, float] = {}
    for k, name in enumerate(OUTPUTS):
        sel = m[:, k]
        if not sel.any() or y[sel, k].min() == y[sel, k].max() or np.isnan(probs[sel, k]).any():
            continue
        metric = macro_f1 if name == "abuse" else f1
        groups = [sel & (src == s) for s in sorted(set(src[sel]))]
        if len(groups) == 1:
            t, v = best_threshold(probs[sel, k], y[sel, k] > 0.5, metric)
        else:
            cands = np.unique(
                np.round(np.quantile(probs[sel, k], np.linspace(0.01, 0.995, 300)), 4)
            )
            best = (-1.0, 0.5)
            for c in cands:
                v = float(np.mean([metric(y[g, k] > 0.5, probs[g, k] >= c) for g in groups]))
                best = max(best, (v, float(c)))
            v, t = best
        thresholds[name] = float(t)
        scores[name] = round(100 * v, 2)
    return thresholds, scores


def mix_anger(probs, own: Sequence[int], rows: Rows, idx, grid: Sequence[float]):
    """(w, probabilities of OUTPUTS): anger = w * shared + (1 - w) * the mean of the own
    anger columns, w from `grid` with the best held-out anger score (ties: larger w)."""
    mine = probs[:, list(own)].mean(axis=1)
    best = None
    for w in sorted(grid, reverse=True):
        p = probs[:, : len(OUTPUTS)].copy()
        p[:, ANGER] = w * probs[:, ANGER] + (1 - w) * mine
        v = choose_thresholds(p, rows, idx)[1].get("anger", -1.0)
        if best is None or v > best[0]:
            best = (v, float(w), p)
    assert best is not None
    return best[1], best[2]


def choose_for_export(
    onnx_bytes: bytes, rows: Rows, tr, ho, s: Settings, blend_outputs: Sequence[str], log: Log
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(thresholds, blend weights, held-out scores) of an exported encoder, chosen on
    the held-out rows; a blend only for the outputs in `blend_outputs`."""
    import numpy as np

    from calmdesk.analysis.backends.encoder import EncoderRunner

    runner = EncoderRunner(onnx_bytes, max_tokens=s.max_tokens, threads=s.threads)
    probs = runner.probs([rows.texts[i] for i in ho])
    thresholds, scores = choose_thresholds(probs, rows, ho)
    log(f"fine-tune: exported model, held-out {scores}")
    weights = {name: 1.0 for name in thresholds}
    if blend_outputs and len(s.blend_weights) > 1:
        lexical = lexical_holdout_probs(rows, tr, ho, log)
        for k, name in enumerate(OUTPUTS):
            if name not in blend_outputs:  # no lexical head at run time to blend with
                lexical[:, k] = np.nan
        weights, thresholds, scores = choose_blend(probs, lexical, rows, ho, s.blend_weights)
        log(f"fine-tune: blend with lexical heads {weights}: held-out {scores}")
    return thresholds, weights, scores


def lexical_holdout_probs(rows: Rows, tr, ho, log: Log = _stderr):
    """Raw probabilities, on the held-out rows, of lexical heads (VADER + TF-IDF, as the
    shipped ones) fitted on the training rows only: what a blend is chosen with."""
    import numpy as np

    from calmdesk.analysis import training
    from calmdesk.analysis.backends import learned as L
    from calmdesk.analysis.backends.embedder import DEFAULT_EMBEDDER

    meta = training.new_meta(DEFAULT_EMBEDDER)
    featurizer = L.Featurizer(meta)
    hold = rows.take(ho)
    fho = training.featurize(hold.texts, featurizer, DEFAULT_EMBEDDER, None, log, False)
    out = np.full((len(ho), len(OUTPUTS)), np.nan, np.float32)
    weights = {**training.BLOCK_WEIGHTS, "emb": 0.0}
    for task in sorted(set(rows.tasks)):
        part = rows.take([i for i in tr if rows.tasks[i] == task])
        log(f"fine-tune: a lexical {task} head on {len(part.texts):,} training rows, for the blend")
        ftr = training.featurize(part.texts, featurizer, DEFAULT_EMBEDDER, None, log, False)
        res = training.fit_head(task, ftr, part.labels, log, weights=weights)
        head = L.Head(task, res.meta, res.arrays)
        p = head.proba(fho.emb, fho.lex, fho.counts)
        for j, lab in enumerate(head.labels):
            if lab in OUTPUTS:
                out[:, OUTPUTS.index(lab)] = p[:, j]
    return out


def choose_blend(enc, lex, rows: Rows, ho, grid: Sequence[float]):
    """Per output, the encoder weight w (p = w * encoder + (1 - w) * lexical) and threshold
    with the best held-out score; w = 1 (the encoder alone) unless a blend does better."""
    import numpy as np

    weights: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    scores: dict[str, float] = {}
    for w in sorted(grid, reverse=True):
        mixed = np.where(np.isnan(lex), enc, w * enc + (1 - w) * np.nan_to_num(lex))
        if w < 1:  # only outputs that can be blended compete at w < 1
            mixed = np.where(np.isnan(lex), np.nan, mixed)
        t, sc = choose_thresholds(mixed, rows, ho)
        for name, v in sc.items():
            if name not in scores or v > scores[name]:
                weights[name], thresholds[name], scores[name] = float(w), t[name], v
    return weights, thresholds, scores
