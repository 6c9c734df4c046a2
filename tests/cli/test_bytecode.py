"""Bytecode is written for tailor's own modules even where Python was told not to (issue 16)."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

import pytest

from tailor.cli import _bytecode


def fake_module(tmp_path: Path, name: str) -> tuple[types.ModuleType, Path]:
    source = tmp_path / f"{name}.py"
    source.write_text("VALUE = 42\n", encoding="utf-8")
    module = types.ModuleType(f"tailor.{name}")
    module.__file__ = str(source)
    return module, Path(importlib.util.cache_from_source(str(source)))


def test_missing_and_stale_bytecode_is_written_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module, cached = fake_module(tmp_path, "_probe_bytecode")
    other = types.ModuleType("someone_else")
    other.__file__ = str(tmp_path / "someone_else.py")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setitem(sys.modules, "tailor._probe_bytecode", module)
    monkeypatch.setitem(sys.modules, "someone_else", other)
    monkeypatch.delenv("TAILOR_NO_BYTECODE", raising=False)
    assert not cached.exists()
    assert _bytecode.write_missing_bytecode() >= 1
    assert cached.is_file()
    assert (tmp_path / "__pycache__").is_dir() and not list((tmp_path / "__pycache__").glob("someone_else*"))
    assert _bytecode.missing_bytecode({"tailor._probe_bytecode": module}) == []  # up to date now
    source = Path(str(module.__file__))
    later = cached.stat().st_mtime_ns + 10_000_000_000
    os.utime(source, ns=(later, later))  # the source changed after its bytecode
    assert _bytecode.missing_bytecode({"tailor._probe_bytecode": module}) == [(str(source), str(cached))]


def test_nothing_is_written_when_python_writes_its_own_or_the_user_says_no(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module, cached = fake_module(tmp_path, "_probe_bytecode_off")
    monkeypatch.setitem(sys.modules, "tailor._probe_bytecode_off", module)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert _bytecode.write_missing_bytecode() == 0
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("TAILOR_NO_BYTECODE", "1")
    assert _bytecode.write_missing_bytecode() == 0
    assert not cached.exists()


def test_a_read_only_install_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    module, cached = fake_module(tmp_path, "_probe_bytecode_ro")
    monkeypatch.setitem(sys.modules, "tailor._probe_bytecode_ro", module)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.delenv("TAILOR_NO_BYTECODE", raising=False)
    os.chmod(tmp_path, 0o555)
    try:
        _bytecode.write_missing_bytecode()
    finally:
        os.chmod(tmp_path, 0o755)
    assert not cached.exists()
