"""The manager-facing insights area: patterns, root causes, the team."""
