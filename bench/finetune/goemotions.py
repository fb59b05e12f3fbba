"""EXPERIMENT (not product code; see docs/learned-model.md, "Fine-tuning: measured").

Data: $CALMDESK_DATA or ../shared/data. Needs the ml extra (torch, transformers).
Fine-tune a 3-layer all-MiniLM-L6-v2 on GoEmotions (28 labels, multi-label BCE).

Trains on 90% of TRAIN, 10% of TRAIN held out to pick per-label thresholds and the
epoch; the dev split (our validation) is only reported. One core.
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
from transformers import AutoTokenizer

GE = SHARED / "goemotions"
WANT = ["anger", "annoyance", "disappointment", "nervousness", "gratitude"]


def read(split, names):
    X, Y = [], []
    for line in Path(f"{GE}/{split}.tsv").read_text(encoding="utf-8").splitlines():
        p = line.rstrip("\n").split("\t")
        if len(p) < 2:
            continue
        y = np.zeros(len(names), np.float32)
        for i in p[1].split(","):
            if i.strip():
                y[int(i)] = 1
        X.append(p[0])
        Y.append(y)
    return X, np.stack(Y)


def probs(model, tok, X, L, bs=128):
    model.eval()
    with torch.inference_mode():
        order = np.argsort([len(x) for x in X])
        res = np.zeros((len(X), model.head.out_features), np.float32)
        for i in range(0, len(X), bs):
            idx = order[i : i + bs]
            enc = tok(
                [X[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=L,
                return_tensors="pt",
            )
            res[idx] = torch.sigmoid(model(enc["input_ids"], enc["attention_mask"])).numpy()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--max_len", type=int, default=64)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    names = Path(f"{GE}/labels.txt").read_text().split()
    X, Y = read("train", names)
    Xv, Yv = read("dev", names)
    perm = np.random.permutation(len(X))
    nho = len(X) // 10
    ho, tr = perm[:nho], perm[nho:]
    if a.limit:
        tr = tr[: a.limit]
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    model = Clf(a.layers, len(names))
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    lens = np.array(
        [
            len(t)
            for t in tok([X[i] for i in tr], truncation=True, max_length=a.max_len)["input_ids"]
        ]
    )
    spe = (len(tr) + a.bs - 1) // a.bs
    total = spe * a.epochs
    opt, sch = optimizer(model, a.lr, total)
    lossf = torch.nn.BCEWithLogitsLoss()
    print(f"train {len(tr)} heldout {nho} dev {len(Xv)} steps {total}", flush=True)
    t0 = time.time()
    n = 0
    for ep in range(a.epochs):
        model.train()
        for b in length_batches(np.random.permutation(len(tr)), lens, a.bs):
            idx = tr[b]
            enc = tok(
                [X[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=a.max_len,
                return_tensors="pt",
            )
            loss = lossf(model(enc["input_ids"], enc["attention_mask"]), torch.tensor(Y[idx]))
            step(model, opt, sch, loss)
            n += 1
            if n % 200 == 0:
                print(
                    f"ep{ep} step {n}/{total} loss {loss.item():.4f} {time.time() - t0:.0f}s",
                    flush=True,
                )
        ph = probs(model, tok, [X[i] for i in ho], a.max_len)
        pv = probs(model, tok, Xv, a.max_len)
        rec = {"epoch": ep + 1, "time_s": round(time.time() - t0)}
        for name in WANT:
            k = names.index(name)
            grid = np.arange(0.05, 0.9, 0.01)
            f = [f1_score(Y[ho, k], ph[:, k] >= t) for t in grid]
            t = float(grid[int(np.argmax(f))])
            rec[name] = {
                "thr": round(t, 2),
                "heldout": round(100 * max(f), 1),
                "dev": round(100 * f1_score(Yv[:, k], pv[:, k] >= t), 1),
            }
        print(json.dumps(rec), flush=True)
        os.makedirs("/tmp/calmdesk-ft", exist_ok=True)
        torch.save(model.state_dict(), f"/tmp/calmdesk-ft/ge_L{a.layers}_ep{ep + 1}.pt")


main()
