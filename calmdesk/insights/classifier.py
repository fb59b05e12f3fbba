"""The root-cause classifier: a small scikit-learn model trained on the team's own labels.

Pure Python, no Django. Like the analysis engine's learned heads it is a
logistic regression on sentence embeddings when the `ml` extra is
installed, and on TF-IDF of words and characters otherwise. Training labels
are agents' corrections (weighted up) plus the confident rule labels; each
retrain therefore learns from the latest corrections.

The model file is written and read only by Calmdesk (in CALMDESK_DATA_DIR or
CALMDESK_CAUSE_MODEL_PATH); never load a model file from someone you do not
trust (joblib files can run code when loaded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calmdesk.insights.features import embed, require_sklearn, resolve_features

FORMAT_VERSION = 1
MIN_PER_CLASS = 3

WORD_PATTERN = r"(?u)\b\w[\w']*\b"  # sklearn token_pattern


class NotEnoughLabels(ValueError):
    """Too few labelled examples to train (needs two causes with MIN_PER_CLASS each)."""


@dataclass(frozen=True)
class Prediction:
    key: str
    confidence: float


class CauseClassifier:
    def __init__(
        self, features: str, model: Any, labels: list[str], trained_on: int, trained_at: str = ""
    ) -> None:
        self.features = features
        self.model = model
        self.labels = labels
        self.trained_on = trained_on
        self.trained_at = trained_at

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        weights: Sequence[float] | None = None,
        *,
        features: str = "auto",
    ) -> CauseClassifier:
        require_sklearn()
        counts = Counter(labels)
        keep = {k for k, n in counts.items() if n >= MIN_PER_CLASS}
        if len(keep) < 2:
            raise NotEnoughLabels(
                f"need at least two causes with {MIN_PER_CLASS}+ labelled examples each; "
                f"have {dict(counts)}"
            )
        rows = [i for i, label in enumerate(labels) if label in keep]
        x_text = [texts[i] for i in rows]
        y = [labels[i] for i in rows]
        w = [weights[i] for i in rows] if weights is not None else None
        kind = resolve_features(features)
        model = _pipeline(kind)
        x = embed(x_text) if kind == "embeddings" else x_text
        fit_kw = {"clf__sample_weight": w} if w is not None else {}
        model.fit(x, y, **fit_kw)
        return cls(kind, model, sorted(keep), len(rows), datetime.now(UTC).isoformat())

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        x = embed(texts) if self.features == "embeddings" else list(texts)
        probs = self.model.predict_proba(x)
        classes = list(self.model.classes_)
        out = []
        for row in probs:
            i = int(row.argmax())
            out.append(Prediction(classes[i], float(row[i])))
        return out

    def save(self, path: Path) -> None:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump(
            {
                "version": FORMAT_VERSION,
                "features": self.features,
                "model": self.model,
                "labels": self.labels,
                "trained_on": self.trained_on,
                "trained_at": self.trained_at,
            },
            tmp,
        )
        tmp.replace(path)  # readers never see half a file

    @classmethod
    def load(cls, path: Path) -> CauseClassifier | None:
        """The saved model, or None when there is none (or it is from another version)."""
        if not path.is_file():
            return None
        require_sklearn()
        import joblib

        data = joblib.load(path)
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            return None
        return cls(
            data["features"],
            data["model"],
            data["labels"],
            data["trained_on"],
            data.get("trained_at", ""),
        )


def _pipeline(kind: str):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    clf = LogisticRegression(
        max_iter=3000, C=4.0 if kind == "embeddings" else 8.0, class_weight="balanced"
    )
    if kind == "embeddings":
        return Pipeline([("id", FunctionTransformer()), ("clf", clf)])
    words = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=WORD_PATTERN
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    return Pipeline([("tfidf", FeatureUnion([("w", words), ("c", chars)])), ("clf", clf)])
