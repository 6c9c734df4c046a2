"""Turn expected failures into one line on stderr and the documented exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from tailor.pipeline.errors import TailorError

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


def run_guarded(command: Callable[..., int | None], **kwargs: Any) -> None:
    try:
        code = command(**kwargs)
    except TailorError as error:
        # One line: the message already names the file and the problem.
        message = " ".join(str(error).split())
        print(f"error: {message}", file=sys.stderr)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if code:
        raise typer.Exit(code)
