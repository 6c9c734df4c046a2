"""Each command imports what it uses: the small ones never load the pipeline, its event loop or other commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

_PROBE = """
import atexit, json, sys
listing = sys.argv.pop()
atexit.register(lambda: open(listing, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "tailor"
from tailor.cli.entry import main
main()
"""


def _imported(args: list[str], env: dict[str, str], cwd: Path) -> set[str]:
    """Every module the command line ``tailor ARGS`` had loaded when it exited."""
    listing = cwd / "modules.json"
    done = subprocess.run([sys.executable, "-c", _PROBE, *args, str(listing)], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=cwd, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(listing.read_text(encoding="utf-8")))


@pytest.mark.parametrize("args", [["cache", "stats"], ["cache", "stats", "--json"], ["analytics"], ["config", "show"]])
def test_a_small_command_loads_neither_the_pipeline_nor_the_other_commands(args: list[str], env: dict[str, str],
                                                                          tmp_path: Path) -> None:
    imported = _imported(args, env, tmp_path)
    assert f"tailor.cli.commands.{args[0]}" in imported  # the probe saw the command run
    for heavy in ("tailor.pipeline.app.session", "tailor.pipeline.engine.runner", "anyio", "tailor.cli.render.outcome",
                  "tailor.cli._fast", "importlib.metadata", "platformdirs"):
        assert heavy not in imported, heavy
    others = {f"tailor.cli.commands.{name}" for name in ("run", "batch", "compare", "analytics", "cache", "config")}
    assert imported & others == {f"tailor.cli.commands.{args[0]}"}  # only its own command module


def test_the_whole_app_still_lists_every_command(env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tailor.cli", "--help"], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=tmp_path, timeout=60, check=False)
    for name in ("run", "batch", "compare", "analytics", "cache", "pipeline", "config"):
        assert f" {name} " in done.stdout, name
