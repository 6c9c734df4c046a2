"""Click's usage errors as one plain sentence naming the option (imported only when one happens).

Typer validates option values with pydantic, so its messages read "Value error, 'x' is not one
of …" or "Input should be a valid integer, unable to parse string as an integer". A person
wants "--length must be one of concise, thorough (got 'brief')."
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_CHOICE_RE = re.compile(r"^(?:Value error, )?'(?P<got>.*)' is not one of (?P<choices>.+?)\.?$", re.DOTALL)
_BOUND_WORDS = {
    "greater than or equal to": "{} or more",
    "greater than": "more than {}",
    "less than or equal to": "{} or less",
    "less than": "less than {}",
}
_BOUND_RE = re.compile(r"^Input should be (?P<how>(?:greater|less) than(?: or equal to)?) (?P<limit>\S+?)\.?$")
_KIND_RE = re.compile(r"^Input should be a valid (?P<kind>integer|number|boolean)\b")
_KIND_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false"}


def plain_message(error: Any, argv: Sequence[str]) -> str:
    """One sentence for a click ``UsageError`` (``argv``: the command line, to quote the value given)."""
    param = getattr(error, "param", None)
    if param is None or type(error).__name__ != "BadParameter":
        return _sentence(" ".join(error.format_message().split()))
    message = " ".join(str(error.message).split())
    name = _option_name(param)
    choice = _CHOICE_RE.match(message)
    if choice:
        choices = ", ".join(c.strip().strip("'") for c in choice.group("choices").split(","))
        return f"{name} must be one of {choices} (got '{choice.group('got')}')."
    got = _given(param, argv)
    shown = f" (got '{got}')" if got is not None else ""
    bound = _BOUND_RE.match(message)
    if bound:
        return f"{name} must be {_BOUND_WORDS[bound.group('how')].format(bound.group('limit'))}{shown}."
    kind = _KIND_RE.match(message)
    if kind:
        return f"{name} must be {_KIND_WORDS[kind.group('kind')]}{shown}."
    message = message.removeprefix("Value error, ")
    message = re.sub(r"^Input should be\b", "must be", message)
    return _sentence(f"{name}: {message}")


def _option_name(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")] or list(getattr(param, "opts", ()))
    if getattr(param, "param_type_name", "") == "argument" or not opts:
        return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "a value").upper()
    return str(max(opts, key=len))


def _given(param: Any, argv: Sequence[str]) -> str | None:
    """The value the command line gave ``param``: the word after the option, or after its ``=``."""
    for n, word in enumerate(argv):
        for opt in getattr(param, "opts", ()):
            if word == opt and n + 1 < len(argv):
                return argv[n + 1]
            if word.startswith(opt + "="):
                return word[len(opt) + 1:]
    return None


def _sentence(text: str) -> str:
    from tailor.cli.render.safe import shown

    text = shown(text.strip())  # a value from the command line may hold control characters
    if not text:
        return "invalid usage (see --help)."
    return text if text.endswith((".", "?", "!", ")")) else text + "."
