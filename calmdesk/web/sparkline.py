"""A customer's difficulty history as a small inline SVG, built on the server.

Only numbers go into the SVG (coordinates computed here); the colours come
from the stylesheet through class names, so the page needs no inline style
or script.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 160, 36, 3


def sparkline(values: Sequence[int], *, label: str = "Difficulty history") -> SafeString:
    """Difficulty values (0–100, oldest first) as an SVG polyline with a dot on the last."""
    if not values:
        return format_html('<p class="muted small">{}</p>', "No assessed messages yet.")
    values = [max(0, min(100, int(v))) for v in values]
    n = len(values)
    step = (WIDTH - 2 * PAD) / (n - 1) if n > 1 else 0
    points = [
        (
            round(PAD + i * step if n > 1 else WIDTH / 2, 1),
            round(HEIGHT - PAD - v / 100 * (HEIGHT - 2 * PAD), 1),
        )
        for i, v in enumerate(values)
    ]
    coords = " ".join(f"{x},{y}" for x, y in points)
    last_x, last_y = points[-1]
    bands = format_html_join(
        "",
        '<line class="spark-band" x1="0" x2="{}" y1="{}" y2="{}"></line>',
        ((WIDTH, y, y) for y in (_y(25), _y(50), _y(75))),
    )
    summary = f"{label}: {n} messages, latest {values[-1]}, highest {max(values)} of 100"
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{summary}"><title>{summary}</title>{bands}'
        '<polyline class="spark-line" fill="none" points="{coords}"></polyline>'
        '<circle class="spark-dot spark-{level}" cx="{x}" cy="{y}" r="2.5"></circle></svg>',
        w=WIDTH,
        h=HEIGHT,
        summary=summary,
        bands=bands,
        coords=coords,
        level=_level(values[-1]),
        x=last_x,
        y=last_y,
    )


def _y(v: int) -> float:
    return round(HEIGHT - PAD - v / 100 * (HEIGHT - 2 * PAD), 1)


def _level(v: int) -> str:
    """The analysis engine's bands: calm < 25 <= tense < 50 <= difficult < 75 <= hostile."""
    return "hostile" if v >= 75 else "difficult" if v >= 50 else "tense" if v >= 25 else "calm"
