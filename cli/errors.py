"""Exit codes, in one place: tailor's exception tree mapped to them, and expected failures as one line.

    0    ok
    1    the work failed: StepError, TransientError, CacheError, GuardError,
         ProviderError, HistoryError (and a batch with failed items)
    2    bad usage or input: InputError, ConfigError, GraphError, any other
         TailorError (and click's usage errors, which carry their own code)
    130  interrupted (Ctrl-C)
    143  terminated (SIGTERM; a batch stops cleanly)

Commands import this module when they run, not at ``tailor --help``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from tailor.pipeline.errors import (
    CacheError,
    ConfigError,
    GraphError,
    GuardError,
    HistoryError,
    InputError,
    ProviderError,
    StepError,
    TailorError,
    TransientError,
    UsageError,
)

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM

# An error exits with the code of its nearest class here.
EXIT_CODES: dict[type, int] = {
    TailorError: EXIT_USAGE,
    InputError: EXIT_USAGE,
    ConfigError: EXIT_USAGE,
    UsageError: EXIT_USAGE,
    GraphError: EXIT_USAGE,
    StepError: EXIT_FAILED,
    TransientError: EXIT_FAILED,
    CacheError: EXIT_FAILED,
    GuardError: EXIT_FAILED,
    ProviderError: EXIT_FAILED,
    HistoryError: EXIT_FAILED,
}


def exit_code(error: TailorError) -> int:
    """The exit code of ``error``: that of its nearest class in ``EXIT_CODES``."""
    return next(EXIT_CODES[cls] for cls in type(error).__mro__ if cls in EXIT_CODES)


def one_line(message: str) -> str:
    """``message`` on one line: runs of spaces and tabs as one space, control characters visible."""
    import re

    from tailor.cli.render.safe import shown

    return shown(re.sub(r"[ \t]+", " ", message).strip())


def guarded(command: Callable[..., int | None], **kwargs: Any) -> int:
    """Run a command body; an expected error becomes one line on stderr. The exit code."""
    try:
        code = command(**kwargs)
    except TailorError as error:
        # One line: the message already names the file and the problem. A control character
        # (an ESC or a newline in a file name) is shown as an escape: it never reaches the
        # terminal, and never starts a second, fake "error:" line.
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code or 0


def run_guarded(command: Callable[..., int | None], **kwargs: Any) -> None:
    """``guarded`` for a Typer command: a non-zero code leaves through ``typer.Exit``."""
    code = guarded(command, **kwargs)
    if code:
        import typer

        raise typer.Exit(code)
