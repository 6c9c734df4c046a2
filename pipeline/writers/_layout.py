"""A resume's text as blocks to typeset: the name, the contact lines, headings, entries, bullets, paragraphs.

Used for the formats a resume is made in anew (PDF, HTML, a DOCX from another
format). Every word of the text survives: only Markdown markup (``#``, ``- ``,
``**``, a link's brackets) and bullet characters are taken off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET_RE = re.compile(r"^\s*(?:[-*+•●▪◦■□►▸➢➤✓✔·–—](?=\s)|\d{1,2}[.)](?=\s))\s*")
_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)\*(?!\w)|`([^`]+)`")
_SECTION_WORDS = frozenset(
    "summary profile experience employment skills education projects certifications licenses awards "
    "publications volunteering languages interests courses training objective achievements".split()
)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "entry" | "bullet" | "paragraph"
    text: str  # plain: inline Markdown taken off
    markup: str = ""  # the same text with its inline Markdown (``**x**``, ``[t](u)``), for formats that render it


@dataclass(frozen=True)
class Layout:
    name: str
    contact: tuple[str, ...]
    blocks: tuple[Block, ...]
    name_markup: str = ""
    contact_markup: tuple[str, ...] = ()


def plain(text: str, *, markdown: bool) -> str:
    """Inline Markdown taken off (``**x**`` -> ``x``, ``[t](u)`` -> ``t (u)``); text as it is otherwise."""
    if not markdown:
        return text.strip()
    text = _LINK_RE.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    return _EMPHASIS_RE.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text).strip()


def _heading(line: str, markdown: bool) -> tuple[int, str] | None:
    """(level, text) of a heading line: Markdown, a bold line, ALL CAPS, or a bare section name."""
    md = _MD_HEADING_RE.match(line) if markdown else None
    if md:
        return len(md.group(1)), md.group(2)
    bold = _BOLD_LINE_RE.match(line)
    if bold and len(bold.group(1).split()) <= 6:
        return 2, bold.group(1)
    stripped = line.strip().rstrip(":")
    words = stripped.split()
    letters = [c for c in stripped if c.isalpha()]
    if 1 <= len(words) <= 5 and len(letters) >= 3 and all(c.isupper() for c in letters):
        return 2, stripped
    if 1 <= len(words) <= 3 and words[-1].lower() in _SECTION_WORDS and not _BULLET_RE.match(line):
        return 2, stripped
    return None


def layout(text: str, *, markdown: bool) -> Layout:
    """The blocks of ``text`` (Markdown when ``markdown``; else plain text, e.g. a PDF's text layer)."""
    lines = [line.rstrip() for line in text.split("\n")]
    name = name_markup = ""
    contact: list[str] = []
    blocks: list[Block] = []
    seen_heading = False
    previous_blank = True

    def block(kind: str, source: str) -> Block:
        return Block(kind, plain(source, markdown=markdown), source.strip())

    for raw in lines:
        if not raw.strip():
            previous_blank = True
            continue
        heading = _heading(raw, markdown)
        if not name:
            name_markup = (heading[1] if heading else raw).strip()
            name = plain(name_markup, markdown=markdown)
            previous_blank = False
            continue
        if heading and (heading[0] >= 2 or seen_heading):
            seen_heading = True
            blocks.append(block("entry" if heading[0] >= 3 else "heading", heading[1]))
        elif not seen_heading and len(contact) < 4 and len(raw) <= 160 and not blocks:
            contact.append(raw.strip())
        elif _BULLET_RE.match(raw) and _BULLET_RE.sub("", raw, count=1).strip():
            blocks.append(block("bullet", _BULLET_RE.sub("", raw, count=1)))
        elif (blocks and blocks[-1].kind in ("bullet", "paragraph") and not previous_blank
              and (raw[:1].isspace() or raw.strip()[:1].islower()
                   or not blocks[-1].text.endswith((".", "!", "?", ":", ";")))):
            # A wrapped line: it continues the bullet or paragraph above.
            last = blocks[-1]
            blocks[-1] = Block(last.kind, f"{last.text} {plain(raw, markdown=markdown)}", f"{last.markup} {raw.strip()}")
        else:
            blocks.append(block("paragraph", raw))
        previous_blank = False
    return Layout(name, tuple(plain(c, markdown=markdown) for c in contact), tuple(blocks), name_markup, tuple(contact))
