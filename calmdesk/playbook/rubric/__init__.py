"""The coaching rubric: the checks `coach` runs on a reply (see rubric/coach.py)."""
