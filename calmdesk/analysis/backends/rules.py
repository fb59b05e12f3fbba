"""The rules engine as a ScoringBackend: lexicon sentiment, cue emotions, abuse.

`assess` uses the rules directly (they also give the evidence spans); this
class exists so the rules can stand wherever a ScoringBackend is expected
(benchmarks, comparisons with a learned model).
"""

from __future__ import annotations

from collections.abc import Sequence

from calmdesk.analysis.types import ModelScores


class RulesBackend:
    name = "rules"

    def score_many(self, texts: Sequence[str]) -> list[ModelScores]:
        from calmdesk.analysis.engine import score_many

        return score_many(texts)
