"""The `tailor` console script: a repeat run answered from its whole-run record, else the full CLI.

Nothing heavy is imported here: a repeat of a fully cached ``tailor run`` never loads typer,
pydantic, anyio or Rich (cli/_fast.py); every other command line goes to ``cli.app.main``.
"""

from __future__ import annotations


def main() -> None:
    import os
    import sys

    try:
        from tailor.cli._fast import serve

        code = serve(sys.argv[1:], os.environ, os.getcwd())
    except Exception:  # noqa: BLE001 - the fast path is an optimisation: any surprise takes the full path
        code = None
    if code is None:
        from tailor.cli.app import main as full

        full()
        return
    import gc

    sys.stdout.flush()
    gc.freeze()  # as the full path does: no final collection passes at exit
    sys.exit(code)
