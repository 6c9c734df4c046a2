"""tailor's own XDG lookup gives platformdirs' answers, and a start no longer imports platformdirs."""

from __future__ import annotations

import os
import subprocess
import sys

import platformdirs
import pytest

from tailor.pipeline import user_dirs

_XDG = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are the Linux case")
@pytest.mark.parametrize("xdg", [None, "", "relative/dir", "/abs/xdg", "/abs/trailing/", " /leading-space"])
@pytest.mark.parametrize("home", ["/home/someone", "/home/someone/", "/", "relative-home", None])
def test_the_same_folders_as_platformdirs(monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None) -> None:
    for name in _XDG:
        if xdg is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, f"{xdg}{name.lower()}" if xdg.startswith("/") and xdg.endswith("/") else xdg)
    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home)
    assert user_dirs.user_cache_dir() == platformdirs.user_cache_dir("tailor")
    assert user_dirs.user_data_dir() == platformdirs.user_data_dir("tailor")
    assert user_dirs.user_config_dir() == platformdirs.user_config_dir("tailor")


def test_without_a_home_or_off_linux_platformdirs_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_dirs, "_platformdirs", lambda kind: f"asked platformdirs for {kind}")
    monkeypatch.setenv("HOME", "not/absolute")
    assert user_dirs.user_cache_dir() == "asked platformdirs for cache"
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert user_dirs.user_data_dir() == "asked platformdirs for data"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are the Linux case")
def test_a_run_with_default_folders_does_not_import_platformdirs(tmp_path: os.PathLike[str]) -> None:
    from tests._samples import SAMPLES

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAILOR_", "XDG_"))}
    env["HOME"] = str(tmp_path)  # the default folders, under a home of its own
    command = [sys.executable, "-X", "importtime", "-m", "tailor.cli", "run", str(SAMPLES / "resumes" / "software_engineer.md"),
               "--job", str(SAMPLES / "jobs" / "backend_engineer.md"), "--out", str(os.path.join(tmp_path, "out.md"))]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "tailor.pipeline.user_dirs" in imported and "platformdirs" not in imported
    assert os.path.isdir(os.path.join(tmp_path, ".cache", "tailor")) and os.path.isdir(os.path.join(tmp_path, ".local", "share", "tailor"))
