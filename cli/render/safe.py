"""Text from files and file names, made safe for the terminal: never markup, never control codes.

Rich reads ``[...]`` in a plain ``str`` as markup (``[/]`` raises, ``[link=…]`` makes a
hyperlink), and a raw ESC or a newline in a file name would reach the terminal or fake an
``error:`` line. Everything that comes from a file, a file name or an error about one goes
through ``data`` (a ``Text``: no markup) after ``shown`` (control characters visible).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls (but tab), DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
_CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` with every control character written as an escape: ESC is ``\\x1b``, a newline ``\\n``."""
    return _CONTROL_RE.sub(_escape, text)


def shown_lines(text: str) -> str:
    """As ``shown``, but newlines stay (for multi-line text the tool itself laid out)."""
    return "\n".join(shown(line) for line in text.split("\n"))


def data(text: object, style: str = "") -> Text:
    """``text`` as Rich ``Text``: shown literally, in ``style``."""
    from rich.text import Text

    return Text(shown(str(text)), style=style)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r"}.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
