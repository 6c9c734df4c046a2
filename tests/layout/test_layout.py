"""The layout: one installed package `tailor`, every folder packaged, no import cycle."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"tailor.cli": "cli", "tailor.pipeline": "pipeline", "tailor.config": "config"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_for_setuptools() -> None:
    tool = _pyproject()["tool"]["setuptools"]
    assert tool["package-dir"] == FOLDERS
    found = {
        ".".join([package, *init.parent.relative_to(ROOT / folder).parts])
        for package, folder in FOLDERS.items()
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(tool["packages"]) == found


def test_only_tailor_is_importable_from_outside_the_checkout(tmp_path: Path) -> None:
    script = (
        "import importlib.util, sys\n"
        "import tailor.cli, tailor.pipeline, tailor.config\n"
        "print(' '.join(n for n in ('cli', 'pipeline', 'config') if importlib.util.find_spec(n) is not None))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""  # no top-level cli, pipeline or config was installed


def test_the_console_script_is_the_package_main() -> None:
    # cli/entry.py: a repeat run answered before typer is imported, else cli.app's main (issue 16).
    assert _pyproject()["project"]["scripts"] == {"tailor": "tailor.cli.entry:main"}
    entry = (ROOT / "cli" / "entry.py").read_text(encoding="utf-8")
    assert "from tailor.cli.app import main as full" in entry
    assert "from tailor.cli.entry import main" in (ROOT / "cli" / "__main__.py").read_text(encoding="utf-8")


def test_no_module_imports_one_that_imports_it_back() -> None:
    # grimp reads every import, those inside functions and under TYPE_CHECKING too.
    graph = grimp.build_graph(*FOLDERS)
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain is not None:
                cycles.add(" -> ".join((module, *chain)))
    assert not cycles, "\n".join(sorted(cycles))
