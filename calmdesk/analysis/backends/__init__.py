"""Scoring backends behind one interface (types.ScoringBackend).

- `rules` (rules.py): the built-in lexicon scorer, always available.
- `learned` (learned.py, needs the `ml` extra): sentence embeddings plus
  small trained heads; import it only when asked for.
"""
