"""Edits applied to a document's text: every character outside an edit stays as it was.

The planner keeps edits from overlapping (renames and extensions land on skills
lines, moves and drops on bullets, summaries between blocks), so applying them is
one pass of replacements over the text, in offset order.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from tailor.pipeline.errors import TailorError
from tailor.pipeline.tailoring.models import Edit


def replacements(text: str, edits: Sequence[Edit]) -> list[tuple[int, int, str]]:
    """The (start, end, new text) pieces the edits make of ``text``, sorted; raises on overlap."""
    pieces: list[tuple[int, int, str]] = []
    for edit in edits:
        if edit.kind == "move":
            pieces += [(s, e, text[slice(*edit.spans[k])]) for (s, e), k in zip(edit.spans, edit.order, strict=True)]
        elif edit.kind == "drop":
            pieces += [(s, e, "") for s, e in edit.spans]
        else:
            start, end = edit.spans[0]
            pieces.append((start, end, edit.after))
    pieces.sort(key=lambda p: (p[0], p[1]))
    for (s1, e1, _), (s2, e2, _) in zip(pieces, pieces[1:], strict=False):
        if s2 < e1:  # insertions at one offset are fine: they go in the order of the edits
            raise TailorError(f"overlapping edits at offsets {s1}-{e1} and {s2}-{e2}")
    return pieces


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` applied."""
    out: list[str] = []
    at = 0
    for start, end, new in replacements(text, edits):
        out += [text[at:start], new]
        at = end
    out.append(text[at:])
    return "".join(out)


class LineIndex:
    """Offsets <-> (line, column) of one text, both 0-based."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line(offset)
        return line, offset - self.starts[line]
