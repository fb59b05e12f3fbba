"""Discovery: find groups of complaints that no cause in the taxonomy explains.

Pure Python, no Django. The texts are turned into vectors (sentence
embeddings when installed, TF-IDF reduced by SVD otherwise) and clustered
by average-linkage agglomerative clustering on cosine distance, cut at a
fixed distance (so it finds as many groups as the data hold); groups
smaller than `min_cluster` are scattered one-off complaints and are left
out. Each cluster is
labelled by its distinctive terms (words found in many of its complaints and
few of the others) and its most typical examples (those nearest its centre).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calmdesk.insights.features import embed, require_sklearn, resolve_features

MAX_DOCS = 3000  # discovery reads at most this many complaints (memory grows with the square)
# Cosine distance at which groups stop merging, per feature kind (tuned on
# tests/insights/planted.py and the Bitext bench; see docs/insights.md).
CUT = {"embeddings": 0.5, "tfidf": 0.85}
TERMS = 5
EXAMPLES = 3

WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z']+\b"  # sklearn token_pattern


@dataclass(frozen=True)
class Cluster:
    members: list[int]  # indexes into the texts given
    terms: list[str]  # most distinctive first
    examples: list[int]  # indexes of the most typical members
    cohesion: float  # mean cosine similarity of members to the centre, 0..1

    @property
    def label(self) -> str:
        return ", ".join(self.terms[:2]).capitalize() if self.terms else "Unlabelled group"

    @property
    def signature(self) -> str:
        return "|".join(sorted(self.terms[:3]))


def vectors(texts: Sequence[str], features: str = "auto"):
    """L2-normalised dense vectors for clustering."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    kind = resolve_features(features)
    if kind == "embeddings":
        return np.asarray(embed(texts), dtype=np.float64)
    from calmdesk.insights.features import tfidf_vectorizer

    x = tfidf_vectorizer(for_labels=True).fit_transform(texts)
    dims = min(100, x.shape[0] - 1, x.shape[1] - 1)
    if dims < 2:
        return normalize(x.toarray())
    reduced = TruncatedSVD(n_components=dims, random_state=0).fit_transform(x)
    return normalize(reduced)


def discover(
    texts: Sequence[str],
    *,
    features: str = "auto",
    min_cluster: int = 5,
    max_clusters: int = 10,
    cut: float | None = None,
) -> list[Cluster]:
    """Clusters of at least `min_cluster` similar texts, biggest first."""
    require_sklearn()
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    texts = list(texts)[:MAX_DOCS]
    if len(texts) < max(2 * min_cluster, 6):
        return []
    kind = resolve_features(features)
    x = vectors(texts, kind)
    # A text with no usable word (all stop words) has no direction: it is noise.
    usable = np.flatnonzero(np.linalg.norm(x, axis=1) > 1e-9)
    if len(usable) < max(2 * min_cluster, 6):
        return []
    labels = np.full(len(texts), -1)
    labels[usable] = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=cut or CUT[kind]
    ).fit_predict(x[usable])
    groups = [
        g
        for g in (np.flatnonzero(labels == c) for c in set(labels) - {-1})
        if len(g) >= min_cluster
    ]
    groups.sort(key=len, reverse=True)
    terms = _distinctive_terms(texts, [g.tolist() for g in groups])
    out = []
    for members, top in zip(groups[:max_clusters], terms, strict=False):
        centre = x[members].mean(axis=0)
        norm = float(np.linalg.norm(centre)) or 1.0
        sims = x[members] @ (centre / norm)
        order = members[np.argsort(-sims)]
        out.append(
            Cluster(
                members=members.tolist(),
                terms=top,
                examples=order[:EXAMPLES].tolist(),
                cohesion=round(float(sims.mean()), 3),
            )
        )
    return out


def _distinctive_terms(texts: Sequence[str], groups: list[list[int]]) -> list[list[str]]:
    """Per group, the terms with the largest gap between in-group and out-group document share."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    if not groups:
        return []
    cv = CountVectorizer(
        stop_words="english",
        binary=True,
        ngram_range=(1, 2),
        min_df=2,
        token_pattern=WORD_PATTERN,
    )
    try:
        x = cv.fit_transform(texts).tocsc()
    except ValueError:  # no term appears twice
        return [[] for _ in groups]
    vocab = cv.get_feature_names_out()
    is_pair = np.array([" " in term for term in vocab])
    total = np.asarray(x.sum(axis=0)).ravel()
    n = x.shape[0]
    out = []
    for members in groups:
        inside = np.asarray(x[members].sum(axis=0)).ravel()
        share_in = inside / len(members)
        share_out = (total - inside) / max(n - len(members), 1)
        score = (
            share_in - share_out + np.where(is_pair, 0.05, 0.0)
        )  # "loyalty points" over "points"
        # A word pair must be in half the group to name it; a single word in a third.
        score[share_in < np.where(is_pair, 0.5, 0.3)] = -1
        ranked = [vocab[i] for i in np.argsort(-score) if score[i] > 0][: TERMS * 3]
        out.append(_drop_overlaps(ranked)[:TERMS])
    return out


def _drop_overlaps(terms: list[str]) -> list[str]:
    """Keep "gift card" and drop "gift" and "card" when the pair ranks higher."""
    kept: list[str] = []
    for t in terms:
        words = set(t.split())
        if any(words <= set(k.split()) or set(k.split()) <= words for k in kept):
            continue
        kept.append(t)
    return kept
