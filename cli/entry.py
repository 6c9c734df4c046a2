"""The `tailor` console script: a repeat run answered from its whole-run record, else the full CLI.

Nothing heavy is imported here: a repeat of a fully cached ``tailor run`` never loads typer,
pydantic, anyio or Rich (cli/_fast.py); every other command line goes to ``cli.app.main``.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    code = None
    if sys.argv[1:2] == ["run"]:  # only a run has a fast path or a plain form: other commands skip their imports
        try:
            from tailor.cli._fast import serve

            code = serve(sys.argv[1:], os.environ, os.getcwd())
        except Exception:  # noqa: BLE001 - the fast path is an optimisation: any surprise takes the full path
            code = None
        if code is None:
            code = _plain_run(sys.argv[1:], os.environ)
    if code is None:
        from tailor.cli._plugin_scan import skip_plugin_scan

        skip_plugin_scan(os.environ)  # before the CLI's imports build the first pydantic model
        from tailor.cli.app import main as full

        full()
        return
    from tailor.cli._exiting import exit_now

    exit_now(code)


def _plain_run(argv: list[str], environ: os._Environ[str]) -> int | None:
    """``tailor run RESUME --job JOB [--out PATH] [--json]`` without building the Typer app; None otherwise.

    The same function as ``tailor run`` under Typer, with its defaults (~60 ms of Typer and
    its pydantic adapters not imported). Anything else -- another flag, ``--help``, shell
    completion -- goes to the full CLI.
    """
    from pathlib import Path

    from tailor.cli._fast import Request

    request = Request.parse(argv)
    if request is None or "_TAILOR_COMPLETE" in environ:
        return None
    from tailor.cli._plugin_scan import skip_plugin_scan

    skip_plugin_scan(environ)  # as the full CLI does
    from tailor.cli.commands._run_body import run_command
    from tailor.cli.errors import guarded

    return guarded(
        run_command, resume=Path(request.resume), job=Path(request.job),
        out=Path(request.out) if request.out is not None else None, fmt=None, mode=None, tone=None, length=None,
        schedule="parallel", use_cache=True, explain=False, diff=False, provider=None, fallback=None, profile=None,
        scale=None, config=None, as_json=request.as_json,
    )
