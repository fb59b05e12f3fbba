"""Serving the insights area's scripts and styles, and plotly.js from its pip package.

Only the files named in ASSETS can be served (no path from the request is
ever joined to a directory). URLs carry a version, so browsers may cache
them for a year.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

HERE = Path(__file__).resolve().parent / "assets"


def _plotly() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


_RULE = re.compile(r"""(?:"([^"]+)"|\b([XY])):(?:"([^"]*)"|'([^']*)')""")


@functools.cache
def plotly_css() -> str:
    """plotly.js's own style rules as a stylesheet.

    plotly.js normally injects these with a <style> element, which the strict
    Content Security Policy blocks (plotly/plotly.js#2355); without them the
    chart's layers are not stacked. They are read from the installed
    plotly.min.js, so they always match its version.
    """
    js = _plotly().read_text(encoding="utf-8")
    start = js.find('"X,X div":')
    end = js.find("}", js.find('"Y .notifier-close:hover"', start))
    if start < 0 or end < 0:
        return ""
    names = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}
    out = []
    for quoted, bare, v1, v2 in _RULE.findall(js[start:end]):
        selector = ",".join(
            re.sub(r"^([XY])", lambda m: names[m.group(1)], part.strip())
            for part in (quoted or bare).split(",")
        )
        out.append(f"{selector} {{{v1 or v2}}}")
    return "\n".join(out) + "\n"


ASSETS = {
    "plotly.min.js": (_plotly, "text/javascript; charset=utf-8"),
    "plotly.css": (_plotly, "text/css; charset=utf-8"),
    "charts.js": (lambda: HERE / "charts.js", "text/javascript; charset=utf-8"),
    "insights.css": (lambda: HERE / "insights.css", "text/css; charset=utf-8"),
}


@functools.cache
def version(name: str) -> str:
    path = ASSETS[name][0]()
    stat = path.stat()
    return hashlib.sha256(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def asset_url(name: str) -> str:
    return reverse("insights:asset", args=[version(name), name])


@require_safe
def asset(request, ver: str, name: str):
    if name not in ASSETS:
        raise Http404("No such file.")
    path_of, content_type = ASSETS[name]
    if name == "plotly.css":
        try:
            response = HttpResponse(plotly_css(), content_type=content_type)
        except (ImportError, OSError):
            raise Http404("Not installed.") from None
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
    try:
        response = FileResponse(path_of().open("rb"), content_type=content_type)
    except (ImportError, OSError):
        raise Http404("Not installed.") from None
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
