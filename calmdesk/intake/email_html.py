"""HTML from email: sanitize it for display and turn it into plain text.

Pure functions, no Django. `sanitize_html` keeps a small allow-list of
formatting tags (nh3); `html_to_text` renders the text an agent would read,
with block elements on their own lines and <blockquote> content prefixed
with "> " so the quote stripper in `email_text` recognizes quoted replies.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
        "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre",
        "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Tags whose content is dropped with the tag, not kept as text.
DROP_CONTENT_TAGS = frozenset({"script", "style", "title", "head", "noscript", "template"})


def sanitize_html(html: str) -> str:
    """Return `html` with only safe formatting left.

    No scripts, styles, event handlers, images (remote images in mail are
    trackers) or non-http(s)/mailto/tel links; every link gets
    rel="noopener noreferrer".
    """
    if not html.strip():
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class _TextRenderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    # --- structure -------------------------------------------------------
    def _break(self) -> None:
        text = "".join(self.current)
        self.current = []
        parts = text.split("\n") if self.pre_depth else [_SPACES.sub(" ", text).strip()]
        if parts == [""]:
            return
        for part in parts:
            self.lines.append(("> " * self.quote_depth) + part if part else "")

    def _blank_line(self) -> None:
        self._break()
        self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT_TAGS:
            self.skip_depth += 1
            return
        if tag == "br":
            if "".join(self.current).strip() or self.pre_depth:
                self._break()
            else:
                self.lines.append("")  # <br><br>: a blank line
        elif tag in ("p", "blockquote", "table", "ul", "ol", "h1", "h2", "h3", "h4"):
            self._blank_line()
        elif tag in _BLOCK_TAGS:
            self._break()
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")
        elif tag == "hr":
            self.lines.append("---")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT_TAGS:
            return  # <script/> opens nothing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in _BLOCK_TAGS:
            self._break()
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.lines.append("")
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        elif tag in ("p", "table", "ul", "ol", "h1", "h2", "h3", "h4"):
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        lines = [line.rstrip() for line in self.lines]
        out = "\n".join(lines).strip("\n")
        return _MANY_BLANK_LINES.sub("\n\n", out)


def html_to_text(html: str) -> str:
    """Plain text of an HTML email: what a reader sees, without markup.

    Script/style/head content is dropped, entities decoded, block elements
    start new lines, list items get "- " and blockquotes "> ".
    """
    renderer = _TextRenderer()
    try:
        renderer.feed(html)
        renderer.close()
    except (AssertionError, ValueError):  # pathological markup: keep what was read
        pass
    return renderer.text()
