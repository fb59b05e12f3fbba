"""Turning complaint texts into vectors: sentence embeddings when installed, TF-IDF otherwise.

Pure Python, no Django. Embeddings are the analysis engine's own MiniLM
embedder (calmdesk.analysis.backends.embedder, the `ml` extra); without it
(or with CALMDESK_CAUSE_FEATURES=tfidf) scikit-learn's TF-IDF is used.
Both the classifier and discovery go through `resolve_features`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

FEATURE_KINDS = ("auto", "embeddings", "tfidf")


class InsightsUnavailable(RuntimeError):
    """A learned feature (classifier, discovery) needs a package that is not installed."""


def require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InsightsUnavailable(
            "the root-cause classifier and discovery need scikit-learn: "
            "install calmdesk[ml] (pip install 'calmdesk[ml]'); rules still categorize"
        ) from exc


@functools.cache
def embeddings_available() -> bool:
    try:
        from calmdesk.analysis.backends.embedder import get_embedder

        get_embedder()
    except Exception:  # ImportError, a missing model file: fall back to TF-IDF
        return False
    return True


def resolve_features(kind: str = "auto") -> str:
    """ "embeddings" or "tfidf" for the requested kind ("auto" picks embeddings when installed)."""
    if kind not in FEATURE_KINDS:
        raise ValueError(f"unknown feature kind {kind!r}; use one of {', '.join(FEATURE_KINDS)}")
    if kind == "auto":
        return "embeddings" if embeddings_available() else "tfidf"
    if kind == "embeddings" and not embeddings_available():
        raise InsightsUnavailable("sentence embeddings need the calmdesk[ml] extra")
    return kind


def embed(texts: Sequence[str]):
    """Mean-pooled, L2-normalised MiniLM vectors (n x 384 numpy array)."""
    from calmdesk.analysis.backends.embedder import get_embedder

    mean, _ = get_embedder().encode(list(texts))
    return mean


def tfidf_vectorizer(*, for_labels: bool = False):
    """TF-IDF of words and word pairs; stop words dropped when used for labels."""
    require_sklearn()
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        lowercase=True,
        ngram_range=(1, 2),
        min_df=2 if for_labels else 1,
        max_df=0.9 if for_labels else 1.0,
        sublinear_tf=True,
        stop_words="english" if for_labels else None,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b",  # noqa: S106
        max_features=50_000,
    )
