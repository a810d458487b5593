"""The one boundary where text from data or users enters an answer's Markdown.

Facility and partner names, addresses, report values, echoed wishes and place words come from imports and
users; the chat renders Markdown (and the HTML Markdown allows). ``md_text`` makes such text inert: HTML's
``& < >`` become entities (shown as the characters, never parsed as tags) and the Markdown punctuation that
could start a link, image, emphasis, code or table (``\\ [ ] * _ ` | ~``) is backslash-escaped. Renderers also
turn bare URLs, ``www.`` names and domain-like words into links (linkify): a zero-width space after the scheme's
letters and before a domain's dots stops that while the text reads the same.
"""

from __future__ import annotations

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\\[\]*_`|~])")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|file|mailto|javascript|data|vbscript)(?=:)")
_DOMAIN_DOT = re.compile(r"(?i)(?<=[a-z0-9-])\.(?=[a-z]{2,})")
_ZWSP = "\u200b"
_BREAKS = re.compile(r"[\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")


def md_text(value: object) -> str:
    """``value`` as inert text inside Markdown: one line, no tag, no link, no emphasis."""
    text = _BREAKS.sub(" ", str(value))
    text = "".join(_HTML.get(ch, ch) for ch in text)
    text = _SCHEME.sub(lambda m: m.group(0) + _ZWSP, text)  # 「http​://…」 is no longer a URL to linkify
    text = _DOMAIN_DOT.sub(_ZWSP + ".", text)  # nor 「evil​.example」 a domain
    return _MARKDOWN.sub(r"\\\1", text)
