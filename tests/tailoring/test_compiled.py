"""The compiled matcher saved beside the YAML: the same matches as a fresh compile, and never trusted blindly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tailor.pipeline.tailoring import _compiled
from tailor.pipeline.tailoring import taxonomy as taxonomy_module
from tailor.pipeline.tailoring.taxonomy import Taxonomy, default_taxonomy_path

TEXTS = (
    "Experience with Python, Go and k8s; moved CI from Jenkins to GitHub Actions.",
    "Databases: ORACLE, Postgres, DB2 | spring boot, REST APIs, JSON/XML over HTTP",
    "We will go to market in the spring; presented findings to leadership.",
    "C++, C#, .NET, Node.js, CI/CD, machine-learning, A/B testing, SOC 2",
)


def fresh(tmp_path: Path) -> Path:
    """A copy of config/skills.yaml in its own folder (its own __pycache__)."""
    folder = tmp_path / "taxonomy"
    folder.mkdir()
    target = folder / "skills.yaml"
    shutil.copyfile(default_taxonomy_path(), target)
    return target


def load_anew(path: Path) -> Taxonomy:
    taxonomy_module._load.cache_clear()
    try:
        return taxonomy_module._load(path.resolve())
    finally:
        taxonomy_module._load.cache_clear()


def matches(taxonomy: Taxonomy) -> list[list[tuple[str, str, int]]]:
    return [[(m.skill, m.surface, m.start) for m in taxonomy.find(text)] for text in TEXTS]


def test_the_saved_matcher_matches_exactly_what_a_compile_gives(tmp_path: Path) -> None:
    path = fresh(tmp_path)
    built = load_anew(path)  # compiles, and saves
    store = _compiled.store_path(path)
    assert store.is_file()
    restored = load_anew(path)  # reads the saved form
    assert restored._regex.pattern == built._regex.pattern
    assert matches(restored) == matches(built)
    compiled = re.compile(built._regex.pattern, re.IGNORECASE)  # the public way
    for text in TEXTS:
        assert [m.span() for m in restored._regex.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert restored.categories == built.categories and restored.broader("Terraform") == built.broader("Terraform")


def test_a_new_process_reads_the_saved_form_instead_of_compiling(tmp_path: Path) -> None:
    path = fresh(tmp_path)
    load_anew(path)
    probe = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from tailor.pipeline.tailoring.taxonomy import load_taxonomy\n"
        "compiled = []\n"
        "real = re.compile\n"
        "re.compile = lambda p, f=0: compiled.append(len(p)) or real(p, f)\n"
        "t = load_taxonomy(Path(sys.argv[1]))\n"
        "print(max(compiled, default=0), len(t))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True, timeout=60)
    longest, skills = out.stdout.split()
    assert int(longest) < 5_000  # no ~40k-character pattern compiled: the saved one was used
    assert int(skills) > 1000


def test_a_changed_yaml_is_compiled_again(tmp_path: Path) -> None:
    path = fresh(tmp_path)
    load_anew(path)
    path.write_text(path.read_text(encoding="utf-8").replace("    - Python | ", "    - Python | Pythonic code | ", 1),
                    encoding="utf-8")
    assert "Python" in load_anew(path).skills_in("wrote Pythonic code")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign"])
def test_a_damaged_or_foreign_file_is_not_used(tmp_path: Path, damage: str) -> None:
    path = fresh(tmp_path)
    expected = matches(load_anew(path))
    store = _compiled.store_path(path)
    if damage == "truncate":
        store.write_bytes(store.read_bytes()[:5000])
    elif damage == "garbage":
        blob = bytearray(store.read_bytes())
        blob[-4000:] = b"\xff" * 4000  # sre code that does not validate
        store.write_bytes(bytes(blob))
    else:
        os.chmod(store, 0o666)  # anyone may have written it
        assert _compiled.load(path, _compiled.digest_of(path.read_bytes(), taxonomy_module._matcher_source())) is None
    assert matches(load_anew(path)) == expected


def test_without_the_private_compiler_it_compiles_the_public_way(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = fresh(tmp_path)
    expected = matches(load_anew(path))
    shutil.rmtree(path.parent / "__pycache__")
    monkeypatch.setattr(_compiled, "_code_of", lambda pattern, flags: None)  # as if re's internals changed
    assert matches(load_anew(path)) == expected
    assert not _compiled.store_path(path).exists()


def test_an_unwritable_folder_still_loads(tmp_path: Path) -> None:
    path = fresh(tmp_path)
    (path.parent / "__pycache__").write_text("not a folder")
    assert "Python" in load_anew(path).skills_in("Python")
