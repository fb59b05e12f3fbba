"""EXPERIMENT (not product code; see docs/learned-model.md, "Fine-tuning: measured").

Data: $CALMDESK_DATA or ../shared/data. Needs the ml extra (torch, transformers).
Fine-tune a layer-truncated all-MiniLM-L6-v2 (mean pooling + linear head) on a TweetEval task.

Usage: taskset -c 1 /work/main/.venv/bin/python bench/finetune/tweeteval.py --task emotion --layers 3 --epochs 4
Trains on 90% of TRAIN, keeps 10% of TRAIN (stratified, seed 0) as a held-out slice for
epoch selection and threshold picking. VAL is only evaluated and reported, never used for choices.
"""

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from common import MODEL_DIR, SHARED, Clf, length_batches, optimizer, step
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from transformers import AutoTokenizer

DATA = SHARED / "tweeteval"


def read(task, split):
    with open(f"{DATA}/{task}/{split}_text.txt", encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f]
    with open(f"{DATA}/{task}/{split}_labels.txt") as f:
        labels = [int(line) for line in f if line.strip()]
    assert len(texts) == len(labels), (len(texts), len(labels))
    return texts, np.array(labels)


def predict_probs(model, tok, texts, max_len, bs=64):
    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), bs):
            enc = tok(
                texts[i : i + bs],
                padding=True,
                truncation=True,
                max_length=max_len,
                return_tensors="pt",
            )
            out.append(torch.softmax(model(enc["input_ids"], enc["attention_mask"]), -1).numpy())
    return np.concatenate(out)


def scores(task, probs, y, thr=None):
    if task == "emotion":
        yb = (y == 0).astype(int)
        pred_arg = (probs.argmax(1) == 0).astype(int)
        r = {
            "anger_f1_argmax": 100 * f1_score(yb, pred_arg),
            "macro_f1_4class": 100 * f1_score(y, probs.argmax(1), average="macro"),
        }
        if thr is not None:
            r["anger_f1_thr"] = 100 * f1_score(yb, (probs[:, 0] >= thr).astype(int))
        return r
    else:
        r = {"macro_f1_argmax": 100 * f1_score(y, probs.argmax(1), average="macro")}
        if thr is not None:
            r["macro_f1_thr"] = 100 * f1_score(y, (probs[:, 1] >= thr).astype(int), average="macro")
        return r


def pick_thr(task, probs, y):
    grid = np.arange(0.05, 0.951, 0.01)
    if task == "emotion":
        yb = (y == 0).astype(int)
        f = [f1_score(yb, (probs[:, 0] >= t).astype(int)) for t in grid]
    else:
        f = [f1_score(y, (probs[:, 1] >= t).astype(int), average="macro") for t in grid]
    i = int(np.argmax(f))
    return float(grid[i]), 100 * f[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", required=True, choices=["emotion", "offensive"])
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--max_len", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max_steps", type=int, default=0, help="stop after N steps (speed probe)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--freeze_emb", type=int, default=1, help="freeze word embeddings (speed)")
    ap.add_argument("--bucket", type=int, default=1, help="length-bucketed batches (less padding)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    out = a.out or f"/tmp/calmdesk-ft/{a.task}_L{a.layers}_e{a.epochs}_lr{a.lr:g}"
    os.makedirs(out, exist_ok=True)

    X, y = read(a.task, "train")
    Xv, yv = read(a.task, "val")
    Xtr, Xho, ytr, yho = train_test_split(X, y, test_size=0.1, stratify=y, random_state=0)
    n_out = 4 if a.task == "emotion" else 2
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    model = Clf(a.layers, n_out)
    if a.freeze_emb:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    tr_len = np.array(
        [len(t) for t in tok(Xtr, truncation=True, max_length=a.max_len)["input_ids"]]
    )
    print(
        f"train token len mean {tr_len.mean():.1f} p50 {np.median(tr_len):.0f} frac@max {(tr_len >= a.max_len).mean():.3f}"
    )
    steps_per_epoch = (len(Xtr) + a.bs - 1) // a.bs
    total = steps_per_epoch * a.epochs
    opt, sched = optimizer(model, a.lr, total)
    lossf = torch.nn.CrossEntropyLoss()
    print(
        f"task={a.task} layers={a.layers} train={len(Xtr)} heldout={len(Xho)} val={len(Xv)} "
        f"steps/epoch={steps_per_epoch} total={total}",
        flush=True,
    )
    t0 = time.time()
    n = 0
    history = []
    best = None
    for ep in range(a.epochs):
        model.train()
        perm = np.random.permutation(len(Xtr))
        if a.bucket:  # sort by length within chunks of 50 batches, then shuffle the batches
            batches = length_batches(perm, tr_len, a.bs)
        else:
            batches = [perm[i : i + a.bs] for i in range(0, len(perm), a.bs)]
        for idx in batches:
            enc = tok(
                [Xtr[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=a.max_len,
                return_tensors="pt",
            )
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = lossf(logits, torch.tensor(ytr[idx]))
            step(model, opt, sched, loss)
            n += 1
            if n % 50 == 0:
                print(
                    f"ep{ep} step {n}/{total} loss {loss.item():.4f} {time.time() - t0:.1f}s",
                    flush=True,
                )
            if a.max_steps and n >= a.max_steps:
                print(
                    f"speed probe: {n} steps in {time.time() - t0:.1f}s -> {(time.time() - t0) / n:.3f}s/step"
                )
                return
        train_time = time.time() - t0
        ph = predict_probs(model, tok, Xho, a.max_len)
        thr, ho_thr = pick_thr(a.task, ph, yho)
        pv = predict_probs(model, tok, Xv, a.max_len)
        rec = {
            "epoch": ep + 1,
            "train_time_s": round(train_time, 1),
            "heldout": scores(a.task, ph, yho, thr),
            "thr_from_heldout": thr,
            "val": scores(a.task, pv, yv, thr),
        }
        history.append(rec)
        print(json.dumps(rec), flush=True)
        key = rec["heldout"]["anger_f1_argmax" if a.task == "emotion" else "macro_f1_argmax"]
        if best is None or key > best[0]:
            best = (key, ep + 1)
            torch.save(model.state_dict(), f"{out}/model.pt")
            np.save(f"{out}/val_probs.npy", pv)
    summ = {
        "args": vars(a),
        "history": history,
        "selected_epoch_by_heldout": best[1],
        "selected": history[best[1] - 1],
        "total_time_s": round(time.time() - t0, 1),
    }
    Path(f"{out}/summary.json").write_text(json.dumps(summ, indent=1))
    print("SELECTED", json.dumps(summ["selected"]), flush=True)


if __name__ == "__main__":
    main()
