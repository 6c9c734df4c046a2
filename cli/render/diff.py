"""``tailor run --diff``: the tailored text against the source, as a coloured word diff.

Lines are matched first (a moved bullet shows where it left and where it went),
then the words of each changed pair of lines, so a rename or an added skill shows
as one word struck out or added, not a whole line replaced. The texts are data:
they are put into rich ``Text`` objects, never parsed as markup.
"""

from __future__ import annotations

import difflib
import re

from rich.console import Group
from rich.text import Text

from tailor.cli.render.safe import shown

_TOKEN_RE = re.compile(r"\s+|[^\s]+")
_REMOVED = "red strike"
_ADDED = "bold green"


def _words(old: str, new: str) -> tuple[Text, Text]:
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    left, right = Text(), Text()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append("".join(a[i1:i2]))
            right.append("".join(b[j1:j2]))
        else:
            left.append("".join(a[i1:i2]), style=_REMOVED)
            right.append("".join(b[j1:j2]), style=_ADDED)
    return left, right


def word_diff(source: str, tailored: str, *, context: int = 1) -> Group:
    """The changes from ``source`` to ``tailored``: numbered source lines, "-" removed, "+" added."""
    # Each line shown literally: control characters in a source line become visible escapes.
    old, new = [shown(line) for line in source.split("\n")], [shown(line) for line in tailored.split("\n")]
    rows: list[Text] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(Text("  ⋮", style="dim"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                rows += [Text.assemble((f"{i1 + k + 1:>4} │ ", "dim"), (old[i1 + k], "dim")) for k in range(i2 - i1)]
                continue
            pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
            for k in range(pairs):
                left, right = _words(old[i1 + k], new[j1 + k])
                rows.append(Text.assemble((f"{i1 + k + 1:>4} - ", "red"), left))
                rows.append(Text.assemble(("     + ", "green"), right))
            rows += [Text.assemble((f"{i + 1:>4} - ", "red"), (old[i], _REMOVED)) for i in range(i1 + pairs, i2)]
            rows += [Text.assemble(("     + ", "green"), (new[j], _ADDED)) for j in range(j1 + pairs, j2)]
    if not rows:
        rows.append(Text("no changes: the tailored resume is the source as it was", style="dim"))
    return Group(Text("Diff (source line numbers)", style="bold underline"), *rows, Text(""))
