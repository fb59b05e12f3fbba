"""Pages for follow-ups, surveys and recovery: /follow-up/ (see urls.py)."""
