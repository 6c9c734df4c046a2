"""Pydantic's plugin loader is stood in for only when every plugin is off, and models work the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

_PROBE = """
import os, sys
from tailor.cli._plugin_scan import skip_plugin_scan
placed = skip_plugin_scan(os.environ)
from pydantic import BaseModel, Field

class Point(BaseModel):
    x: int = Field(ge=0)

assert Point.model_validate({"x": "3"}).x == 3
try:
    Point.model_validate({"x": -1})
except Exception as error:
    assert "greater than or equal" in str(error)
else:
    raise AssertionError("not validated")
import json
print(json.dumps([placed, "importlib.metadata" in sys.modules, os.environ["PYDANTIC_DISABLE_PLUGINS"]]))
"""


def _probe(disable: str | None) -> list[object]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if disable is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = disable
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_with_every_plugin_off_the_scan_and_its_imports_are_skipped() -> None:
    assert _probe(None) == [True, False, "__all__"]  # tailor's default: off, and importlib.metadata never loaded
    assert _probe("true") == [True, False, "true"]


@pytest.mark.parametrize("named", ["logfire", ""])
def test_plugins_named_or_allowed_keep_pydantic_s_own_loader(named: str) -> None:
    assert _probe(named) == [False, True, named]  # the real loader, and its scan


def test_a_pydantic_that_asks_its_loader_for_more_is_left_alone(tmp_path: Path) -> None:
    plugin = tmp_path / "pydantic" / "plugin"
    plugin.mkdir(parents=True)
    (tmp_path / "pydantic" / "__init__.py").write_text("", encoding="utf-8")
    (plugin / "__init__.py").write_text("", encoding="utf-8")
    (plugin / "_loader.py").write_text("def get_plugins():\n    return ()\n", encoding="utf-8")
    (plugin / "_schema_validator.py").write_text("from ._loader import get_plugins, _plugins\n", encoding="utf-8")
    probe = "from tailor.cli._plugin_scan import skip_plugin_scan; print(skip_plugin_scan({}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.stdout.strip() == "False", done.stderr


def test_help_does_not_import_pydantic_to_check_its_loader() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tailor.cli", "--help"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "tailor.cli._plugin_scan" in imported and "pydantic" not in imported
