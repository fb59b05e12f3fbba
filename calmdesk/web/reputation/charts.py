"""The rating trend as a small SVG built on the server (no script, no inline style).

Only numbers and fixed colour names go into the SVG; weeks without a rated
review leave a gap in the line.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LINE = "#0072B2"
GRID = "#d0d0d0"


def rating_trend(
    values: Sequence[float | None],
    *,
    width: int = 180,
    height: int = 40,
    label: str = "Rating trend",
) -> SafeString:
    """Weekly average stars (1–5, oldest first) as a polyline per unbroken run."""
    known = [v for v in values if v is not None]
    if not known:
        return format_html('<span class="muted small">{}</span>', "no ratings")
    pad = 4
    n = len(values)
    step = (width - 2 * pad) / max(1, n - 1)

    def y(v: float) -> float:
        return round(height - pad - (v - 1) / 4 * (height - 2 * pad), 1)

    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((round(pad + i * step, 1), y(v)))
    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"></polyline>',
        ((LINE, " ".join(f"{px},{py}" for px, py in run)) for run in runs if len(run) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2" fill="{}"></circle>',
        ((px, py, LINE) for run in runs for px, py in run),
    )
    grid = format_html_join(
        "",
        '<line x1="0" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="0.5"></line>',
        ((width, y(s), y(s), GRID) for s in (1, 3, 5)),
    )
    summary = (
        f"{label}: latest {known[-1]:.1f} stars, lowest {min(known):.1f}, highest {max(known):.1f}"
        f" over {n} weeks"
    )
    return format_html(
        '<svg class="trend" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{s}"><title>{s}</title>{g}{l}{d}</svg>',
        w=width,
        h=height,
        s=summary,
        g=grid,
        l=lines,
        d=dots,
    )
