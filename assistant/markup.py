"""The one boundary where text from data or users enters an answer's Markdown.

Facility and partner names, addresses, report values, echoed wishes and place words come from imports and
users; the chat renders Markdown (and the HTML Markdown allows). ``md_text`` makes such text inert: HTML's
``& < >`` become entities (shown as the characters, never parsed as tags) and the Markdown punctuation that
could start a link, image, emphasis, code or table (``\\ [ ] * _ ` | ~``) is backslash-escaped.
"""

from __future__ import annotations

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\\[\]*_`|~])")
_BREAKS = re.compile(r"[\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")


def md_text(value: object) -> str:
    """``value`` as inert text inside Markdown: one line, no tag, no link, no emphasis."""
    text = _BREAKS.sub(" ", str(value))
    text = "".join(_HTML.get(ch, ch) for ch in text)
    return _MARKDOWN.sub(r"\\\1", text)
