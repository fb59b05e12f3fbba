"""Chart specs for plotly.js, as plain JSON (the page's static JS draws them).

Every chart is readable without colour: each series has its own marker
symbol and line dash (or bar pattern), its name is written at the end of
its line, spikes carry a text label, and each chart has a data table
beside it on the page.
"""

from __future__ import annotations

from datetime import date, datetime

# Colour-blind-safe palette (Okabe-Ito), but colour is never the only cue.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
PATTERNS = ("", "/", "x", ".", "\\", "+", "-")
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def _layout(title: str, y_title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "font": FONT,
        "margin": {"l": 56, "r": 140, "t": 40, "b": 48},
        "height": 320,
        "xaxis": {"title": {"text": "Week starting"}, "tickformat": "%d %b", "showgrid": False},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e5e5e5"},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.25},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    layout.update(extra)
    return layout


def _days(weeks: list[datetime]) -> list[str]:
    return [w.date().isoformat() for w in weeks]


def lines(
    chart_id: str,
    title: str,
    y_title: str,
    weeks: list[datetime],
    series: list[tuple[str, list[float | None]]],
    spikes: dict[str, list[int]] | None = None,
    percent: bool = False,
) -> dict:
    """One line per series, each with its own symbol and dash, labelled at its end."""
    x = _days(weeks)
    data, notes = [], []
    for i, (name, values) in enumerate(series):
        k = i % len(COLOURS)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": x,
                "y": values,
                "line": {"color": COLOURS[k], "dash": DASHES[k], "width": 2},
                "marker": {"symbol": SYMBOLS[k], "size": 8, "color": COLOURS[k]},
                "hovertemplate": f"{name}<br>%{{x|%d %b}}: %{{y{':.0%' if percent else ''}}}<extra></extra>",
            }
        )
        last = next((j for j in range(len(values) - 1, -1, -1) if values[j] is not None), None)
        if last is not None:
            notes.append(
                {
                    "x": x[last],
                    "y": values[last],
                    "text": name,
                    "xanchor": "left",
                    "xshift": 8,
                    "showarrow": False,
                    "font": {"size": 12},
                }
            )
        for j in (spikes or {}).get(name, []):
            notes.append(
                {
                    "x": x[j],
                    "y": values[j],
                    "text": "▲ spike",
                    "showarrow": True,
                    "arrowhead": 2,
                    "ay": -28,
                    "font": {"size": 12},
                }
            )
    y_axis = {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e5e5e5"}
    if percent:
        y_axis["tickformat"] = ".0%"
    return {
        "id": chart_id,
        "data": data,
        "layout": _layout(title, y_title, annotations=notes, yaxis=y_axis),
    }


def volume_and_share(
    chart_id: str,
    title: str,
    weeks: list[datetime],
    counts: list[int],
    shares: list[float | None],
    spike_weeks: list[int],
) -> dict:
    """Bars for the weekly count, a dashed line with square markers for the share."""
    x = _days(weeks)
    data = [
        {
            "type": "bar",
            "name": "Difficult conversations",
            "x": x,
            "y": counts,
            "marker": {"color": COLOURS[0], "pattern": {"shape": ""}},
            "text": counts,
            "textposition": "outside",
            "hovertemplate": "%{x|%d %b}: %{y}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Share of all conversations",
            "x": x,
            "y": shares,
            "yaxis": "y2",
            "line": {"color": COLOURS[1], "dash": "dash", "width": 2},
            "marker": {"symbol": "square", "size": 8, "color": COLOURS[1]},
            "hovertemplate": "%{x|%d %b}: %{y:.0%}<extra></extra>",
        },
    ]
    notes = [
        {
            "x": x[j],
            "y": counts[j],
            "text": "▲ spike",
            "showarrow": True,
            "arrowhead": 2,
            "ay": -34,
            "font": {"size": 12},
        }
        for j in spike_weeks
    ]
    return {
        "id": chart_id,
        "data": data,
        "layout": _layout(
            title,
            "Difficult conversations",
            annotations=notes,
            yaxis2={
                "title": {"text": "Share"},
                "overlaying": "y",
                "side": "right",
                "tickformat": ".0%",
                "rangemode": "tozero",
                "showgrid": False,
            },
        ),
    }


def before_after(
    chart_id: str, title: str, weeks: list[datetime], counts: list[int], fix: date | None
) -> dict:
    """Weekly complaints about one cause; weeks after the fix are hatched and the fix is marked."""
    x = _days(weeks)
    after = [fix is not None and w.date() >= fix for w in weeks]
    data = [
        {
            "type": "bar",
            "name": "Before the fix",
            "x": [d for d, a in zip(x, after, strict=True) if not a],
            "y": [c for c, a in zip(counts, after, strict=True) if not a],
            "marker": {"color": COLOURS[0], "pattern": {"shape": ""}},
            "textposition": "outside",
            "text": [c for c, a in zip(counts, after, strict=True) if not a],
        },
        {
            "type": "bar",
            "name": "After the fix (hatched)",
            "x": [d for d, a in zip(x, after, strict=True) if a],
            "y": [c for c, a in zip(counts, after, strict=True) if a],
            "marker": {"color": COLOURS[2], "pattern": {"shape": "/", "solidity": 0.5}},
            "textposition": "outside",
            "text": [c for c, a in zip(counts, after, strict=True) if a],
        },
    ]
    shapes, notes = [], []
    if fix is not None:
        shapes.append(
            {
                "type": "line",
                "x0": fix.isoformat(),
                "x1": fix.isoformat(),
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000", "dash": "dot", "width": 2},
            }
        )
        notes.append(
            {
                "x": fix.isoformat(),
                "yref": "paper",
                "y": 1.02,
                "text": f"Fix: {fix:%d %b}",
                "showarrow": False,
                "xanchor": "left",
            }
        )
    return {
        "id": chart_id,
        "data": data,
        "layout": _layout(title, "Complaints", shapes=shapes, annotations=notes, barmode="overlay"),
    }


def score_bands(
    chart_id: str, title: str, agents: list[str], bands: list[tuple[str, list[int]]]
) -> dict:
    """Stacked horizontal bars of replies per score band, each band with its own pattern."""
    data = []
    for i, (name, values) in enumerate(bands):
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": agents,
                "x": values,
                "text": values,
                "textposition": "inside",
                "insidetextanchor": "middle",
                "marker": {
                    "color": COLOURS[(i * 2) % len(COLOURS)],
                    "pattern": {"shape": PATTERNS[i], "solidity": 0.4},
                },
            }
        )
    layout = _layout(title, "", barmode="stack", height=max(220, 60 + 36 * len(agents)))
    layout["xaxis"] = {"title": {"text": "Replies"}, "gridcolor": "#e5e5e5"}
    layout["yaxis"] = {"automargin": True}
    return {"id": chart_id, "data": data, "layout": layout}
