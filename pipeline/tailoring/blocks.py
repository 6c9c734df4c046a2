"""The blocks of a resume's text, with their exact place in it: what edits can act on.

Parsing for the score (``parse``) reads what a resume says; this module finds
where things are, as character spans of ``SourceDocument.text``, without copying
or re-wrapping anything: the section each line belongs to, each list of bullets
(Markdown lists through markdown-it-py's line maps, text by bullet characters and
continuation lines, one giant pasted line by its inline bullets and section
names), the skills lines, and where a new summary or skills line would go.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._dates import find_range
from tailor.pipeline.tailoring._text import is_bullet, strip_bullet
from tailor.pipeline.tailoring.models import SectionKind
from tailor.pipeline.tailoring.parse import (
    _BOLD_LINE_RE,
    _INLINE_BULLET_RE,
    _LABEL_RE,
    _MD_HEADING_RE,
    _headings,
    _inline_heading_re,
    _section_kind,
    _split_items,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

Span = tuple[int, int]
_GIANT = 300  # characters: a longer line is a document pasted without its line breaks
_LIST_SECTIONS = frozenset({"experience", "projects"})
_SKILL_DETAIL_RE = regex(r"exp[er]+i?ence\s*[-–:]|\bmonths?\b|\byears?\b", re.IGNORECASE)
_SEPARATORS = (" | ", "; ", " • ", " · ", " ▪ ")  # besides ", ": the one a line uses most wins


@dataclass(frozen=True)
class Segment:
    """A line of the text, or a piece of a giant line: ``text[start:end]``, trimmed."""

    start: int
    end: int
    line: int  # 0-based line of the text it is on
    text: str
    kind: str  # "heading" | "bullet" | "text"
    section: SectionKind = "header"
    indented: bool = False


@dataclass(frozen=True)
class BulletList:
    """Bullets that follow each other in one block (a role's achievements): they may be reordered."""

    section: SectionKind
    label: str  # the role header (or heading) above the list
    items: tuple[Span, ...]  # each bullet with its continuation lines, no trailing newline
    removals: tuple[Span, ...]  # the same bullets with the line break (or space) a drop removes too


@dataclass(frozen=True)
class SkillsLine:
    """A line of a skills section that lists skills: an evidenced skill can join it at ``insert_at``."""

    start: int
    end: int
    text: str
    separator: str
    insert_at: int


@dataclass(frozen=True)
class Layout:
    segments: tuple[Segment, ...]
    lists: tuple[BulletList, ...]
    skills_lines: tuple[SkillsLine, ...]
    skills_end: int | None  # end of the skills section's last line: a new skills line goes after it
    skills_prefix: str  # the bullet a new skills line starts with ("- " when the section's lines have one)
    header_end: int | None  # end of the header's last line: a new section goes after it
    first_heading: Segment | None
    has_summary: bool
    summary_segments: tuple[Segment, ...] = field(default=())

    def new_heading(self, name: str) -> str:
        """``name`` as a heading in the style of the document's first one."""
        first = self.first_heading
        if first is None:
            return name.upper()
        md = _MD_HEADING_RE.match(first.text)
        if md:
            return f"{md.group(1)} {name}"
        if _BOLD_LINE_RE.match(first.text):
            return f"**{name}**"
        letters = [c for c in first.text if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            name = name.upper()
        return f"{name}:" if first.text.rstrip().endswith(":") else name


def _pieces(text: str) -> list[tuple[int, int, int]]:
    """(start, end, line) of every non-blank line, giant lines split at inline section names and bullets."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    for number, line in enumerate(text.split("\n")):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if len(line) < _GIANT:
            out.append((start, start + len(line), number))
            continue
        cuts = {0, len(line)}
        for m in _inline_heading_re().finditer(line):
            cuts.update((m.start(1), m.end(1)))
        cuts.update(m.end() for m in _INLINE_BULLET_RE.finditer(line))
        edges = sorted(cuts)
        for a, b in zip(edges, edges[1:], strict=False):
            piece = line[a:b]
            lead = len(piece) - len(piece.lstrip())
            core = piece.strip().rstrip(" :-–") if _section_kind(piece.strip(" :-–")) else piece.strip()
            if core:
                out.append((start + a + lead, start + a + lead + len(core), number))
    return out


def _segments(doc: SourceDocument) -> list[Segment]:
    text = doc.text
    pieces = _pieces(text)
    texts = [text[s:e] for s, e, _ in pieces]
    headings = {i: (kind, inline) for i, kind, _, inline in _headings(texts)}
    segments: list[Segment] = []
    section: SectionKind = "header"
    for n, (start, end, line) in enumerate(pieces):
        piece = texts[n]
        kind = "text"
        if n in headings:
            section = headings[n][0] or "other"
            kind = "text" if headings[n][1] else "heading"  # "Skills: Python, SQL" is content too
        elif is_bullet(piece):
            kind = "bullet"
        indented = start > 0 and text[start - 1] in " \t"
        segments.append(Segment(start, end, line, piece, kind, section, indented))
    if not headings:
        # No headings (text pasted out of a PDF): from the first dated line on, it reads as experience.
        first = next((k for k, s in enumerate(segments) if k and find_range(s.text)), None)
        if first is not None:
            segments[first:] = [Segment(s.start, s.end, s.line, s.text, s.kind, "experience", s.indented)
                                for s in segments[first:]]
    return segments


def _continues(previous: Segment, segment: Segment) -> bool:
    """A wrapped line of the bullet above it (not a new bullet, header or heading)."""
    if segment.kind != "text" or segment.line == previous.line or segment.line != previous.line + 1:
        return False
    if find_range(segment.text) or _section_kind(segment.text):
        return False
    first = segment.text[0]
    return (segment.indented or first.islower()
            or (len(previous.text) >= 40 and not previous.text.endswith((".", "!", "?", ";", ":"))))


def _text_lists(segments: list[Segment], text: str) -> list[tuple[SectionKind, int, list[Span]]]:
    """(section, index of the first bullet's segment, item spans) of each run of bullets."""
    runs: list[tuple[SectionKind, int, list[Span]]] = []
    items: list[Span] = []
    first = 0
    previous: Segment | None = None
    for n, segment in enumerate(segments):
        same_block = previous is not None and previous.section == segment.section and (
            segment.line == previous.line or not text[previous.end:segment.start].count("\n") > 1)
        if segment.kind == "bullet" and segment.section in _LIST_SECTIONS:
            if not (items and same_block):
                if len(items) > 1:
                    runs.append((segments[first].section, first, items))
                items, first = [], n
            items.append((segment.start, segment.end))
        elif items and previous is not None and same_block and _continues(previous, segment):
            items[-1] = (items[-1][0], segment.end)
        else:
            if len(items) > 1:
                runs.append((segments[first].section, first, items))
            items = []
        previous = segment
    if len(items) > 1:
        runs.append((segments[first].section, first, items))
    return runs


@functools.cache
def _block_parser() -> MarkdownIt:
    """CommonMark's block rules only (list items' line maps are all we read): half the time of a full parse."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable(["inline", "text_join"], ignoreInvalid=True)


class _Token(NamedTuple):
    type: str
    map: list[int] | tuple[int, int] | None


# A line that can only be a one-line item of the top-level list its neighbours are items of: a
# marker, one space, content, and not a thematic break ("- - -", "* * *").
_SIMPLE_ITEM_RE = regex(r"[-*+] \S")
_THEMATIC_BREAK_RE = regex(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _simple_runs(lines: list[str]) -> dict[int, int]:
    """{first line: last line} of each run of 3+ consecutive simple item lines with one marker."""
    runs: dict[int, int] = {}
    first = -1
    for k, line in enumerate([*lines, ""]):
        simple = line[:2] in ("- ", "* ", "+ ") and _SIMPLE_ITEM_RE.match(line) is not None \
            and _THEMATIC_BREAK_RE.match(line) is None
        if first >= 0 and not (simple and line[0] == lines[first][0]):
            if k - 1 - first >= 2:
                runs[first] = k - 1
            first = -1
        if first < 0 and simple:
            first = k
    return runs


def _full_tokens(text: str) -> list[_Token]:
    return [_Token(t.type, t.map) for t in _block_parser().parse(text)]


def _list_tokens(lines: list[str], text: str) -> list[_Token]:
    """markdown-it-py's block tokens of ``text`` (type and line map), fast on long lists.

    In a run of one-line items ("- a", "- b", ... one marker, at the margin) each line is an
    item of one list whatever it says: a line at the margin ends the item above it (no lazy
    continuation: a list item interrupts a paragraph) and continues its list. So the middle of
    each run is left out of the text parsed and put back as one-line items (their insides, which
    no caller reads, left out); a parse that does not show both ends of every run as top-level
    items (a run inside a fenced block, say) is redone on the whole text.
    """
    runs = _simple_runs(lines)
    if not runs:
        return _full_tokens(text)
    kept: list[int] = []  # the original line of each line of the shortened text
    k = 0
    while k < len(lines):
        last = runs.get(k)
        if last is None:
            kept.append(k)
            k += 1
        else:
            kept += (k, last)
            k = last + 1
    shortened = "\n".join(lines[k] for k in kept)
    kept.append(len(lines))  # a map may end at the end of the text
    ends = {last: first for first, last in runs.items()}
    opened: set[int] = set()
    done = 0
    out: list[_Token] = []
    depth = 0
    for token in _block_parser().parse(shortened):
        line_map = (kept[token.map[0]], kept[token.map[1]]) if token.map else None
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and line_map is not None:
            start = line_map[0]
            if start in runs:
                if depth != 1 or line_map[1] != runs[start]:
                    return _full_tokens(text)
                line_map = (start, start + 1)
                opened.add(start)
            elif start in ends:
                first = ends[start]
                if depth != 1 or first not in opened:
                    return _full_tokens(text)
                for k in range(first + 1, start):
                    out += (_Token("list_item_open", (k, k + 1)), _Token("list_item_close", None))
                done += 1
        out.append(_Token(token.type, line_map))
    return out if done == len(runs) else _full_tokens(text)


def _markdown_lists(segments: list[Segment], text: str) -> list[tuple[SectionKind, int, list[Span]]]:
    """Top-level Markdown lists from markdown-it-py's tokens: each item with its lazy continuation lines."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    by_line = {s.line: k for k, s in enumerate(segments)}
    runs: list[tuple[SectionKind, int, list[Span]]] = []
    items: list[Span] = []
    depth = 0
    for token in _list_tokens(lines, text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 1:
                items = []
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                _close_run(runs, items, segments, by_line, text)
        elif token.type == "list_item_open" and depth == 1 and token.map:
            a, b = token.map
            cut = next((k for k in range(a + 1, b) if _ends_list(lines[k])), None)
            if cut is not None:
                b = cut  # a lazy line that is a role or a heading: the list ends above it
            while b > a + 1 and not lines[b - 1].strip():
                b -= 1  # trailing blank lines stay where they are
            items.append((starts[a], starts[b - 1] + len(lines[b - 1])))
            if cut is not None:
                # What follows is another block: the items so far are one run, later ones another.
                _close_run(runs, items, segments, by_line, text)
                items = []
    return runs


def _ends_list(line: str) -> bool:
    """A line CommonMark would read as a lazy continuation of a list item, but a person reads as the next
    role ("Engineer — Acme | Jan 1995 – Present") or a section heading ("SKILLS")."""
    if not line.strip() or line[:1] in " \t":
        return False
    return bool(find_range(line) or _section_kind(line))


def _close_run(runs: list[tuple[SectionKind, int, list[Span]]], items: list[Span], segments: list[Segment],
               by_line: dict[int, int], text: str) -> None:
    if len(items) > 1:
        first = by_line.get(text.count("\n", 0, items[0][0]))
        if first is not None and segments[first].section in _LIST_SECTIONS:
            runs.append((segments[first].section, first, list(items)))


def _label(segments: list[Segment], first: int) -> str:
    """The role a list belongs to: the nearest line above it that is not just its dates and place."""
    above = [s for s in reversed(segments[max(0, first - 3):first]) if s.kind != "bullet"]
    for segment in above:
        if find_range(segment.text) is None:
            return _MD_HEADING_RE.sub(r"\2", segment.text).strip("*_ ")
    return _MD_HEADING_RE.sub(r"\2", above[0].text).strip("*_ ") if above else ""


def _removal(text: str, span: Span) -> Span:
    """A bullet with the line break before it (or the spaces after it, inside a giant line)."""
    start, end = span
    if end < len(text) and text[end] == "\n":
        return (start, end + 1)
    if start > 0 and text[start - 1] == "\n":
        return (start - 1, end)
    stop = end
    while stop < len(text) and text[stop] == " ":
        stop += 1
    return (start, stop)


def _skills_line(segment: Segment) -> SkillsLine | None:
    content = segment.text
    label = _LABEL_RE.match(strip_bullet(content))
    body = label.group(2) if label and label.group(2) else strip_bullet(content)
    if _SKILL_DETAIL_RE.search(body) or "|" in body.strip("| ")[:-1] and body.count("|") >= 2 and "," not in body:
        return None  # a "Skill Details" table row: another skill would not read as part of it
    if len(_split_items(body)) < 2:
        return None
    separator = max((", ", *_SEPARATORS), key=lambda s: (body.count(s), s == ", "))
    insert_at = segment.end - (1 if content.endswith(".") else 0)
    return SkillsLine(segment.start, segment.end, content, separator, insert_at)


def layout(doc: SourceDocument) -> Layout:
    """Where the sections, bullet lists and skills lines of ``doc`` are."""
    text = doc.text
    segments = _segments(doc)
    runs = _markdown_lists(segments, text) if doc.format == "markdown" else _text_lists(segments, text)
    lists = tuple(
        BulletList(section, _label(segments, first), tuple(items), tuple(_removal(text, i) for i in items))
        for section, first, items in runs
    )
    skills = [s for s in segments if s.section == "skills" and s.kind != "heading"]
    skills_lines = tuple(line for s in skills if (line := _skills_line(s)) is not None)
    first_heading = next((s for s in segments if s.kind == "heading" or s.section != "header"), None)
    header = [s for s in segments if s.section == "header"]
    summary = tuple(s for s in segments if s.section == "summary" and s.kind != "heading")
    statement = any(len(s.text.split()) >= 12 and s.text.rstrip().endswith(".") for s in header[1:])
    return Layout(
        segments=tuple(segments),
        lists=lists,
        skills_lines=skills_lines,
        skills_end=skills[-1].end if skills else None,
        skills_prefix=(text[skills[-1].start:skills[-1].end][: len(skills[-1].text) - len(strip_bullet(skills[-1].text))]
                       if skills and skills[-1].kind == "bullet" else ""),
        header_end=header[-1].end if header and first_heading is not None else None,
        first_heading=first_heading,
        has_summary=bool(summary) or statement,
        summary_segments=summary,
    )
