"""Security and privacy: where outputs go, who can read what is kept, what is kept, and no code from data."""

from __future__ import annotations

import ast
import json
import os
import re
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    JOB,
    RESUME,
    ROOT,
    SUBPROCESS_TIMEOUT,
    Invoke,
    cli_process,
    make_tiny_resumes,
)

PHRASE = "Zanzibar quokka telemetry overhaul 7Q4X"  # in no taxonomy, no job, no other file


def _planted_resume(folder: Path, name: str = "planted.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = RESUME.read_text(encoding="utf-8").replace("\n## ", f"\n- Led the {PHRASE} across teams using Python\n\n## ", 1)
    assert PHRASE in text
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file()) if folder.exists() else iter(())


def _holding(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in _files(folder) if needle in p.read_bytes()]


# --- where outputs go ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["-rf.md", "a b  (copy).md", "Zoë Ångström.md", "two\nlines.md", "..x.md", "x..md", "$(touch pwned).md", "résumé;rm -rf ~.txt"],
)
def test_run_writes_beside_the_resume_whatever_its_name(tailor: Invoke, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "docs" / "inner"
    folder.mkdir(parents=True)
    resume = folder / name
    resume.write_bytes(RESUME.read_bytes())
    # Reached through ".." segments: the output still lands beside the real file.
    code, out, err = tailor("run", tmp_path / "docs" / "inner" / ".." / "inner" / name, "--job", JOB, "--json")
    assert code == 0, err
    output = Path(json.loads(out)["output"]).resolve()
    assert output.parent == folder.resolve()
    assert output.name == f"{Path(name).stem}.tailored{Path(name).suffix}"  # format out = format in
    created = {p.resolve() for p in _files(tmp_path)} - {p.resolve() for p in _files(tmp_path / "cache")} - {p.resolve() for p in _files(tmp_path / "data")}
    assert created == {resume.resolve(), output}  # nothing written anywhere else
    assert not (tmp_path / "pwned").exists()


def test_batch_names_from_hostile_paths_stay_inside_out(tailor: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    nested = folder / ".." / "in" / "sub"
    nested.mkdir(parents=True)
    for name in ["a..%2f..%2fx.md", "--out=..md", "\\..\\..\\evil.md", "con.md", "\u202egnp.md"]:
        (nested / name).write_bytes(RESUME.read_bytes())
    out = tmp_path / "out"
    code, stdout, err = tailor("batch", folder, "--job", JOB, "--out", out, "--json")
    assert code == 0, err
    items = json.loads(stdout)["items"]
    assert len(items) == 5
    for item in items:
        output = Path(item["output"]).resolve()
        assert output.parent == out.resolve() and output.is_file()
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", output.name) and not output.name.startswith(".")


# --- who can read what is kept ------------------------------------------------


def test_cache_and_history_are_owner_only_even_with_a_permissive_umask(tailor: Invoke, env: dict[str, str], tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        code, _, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    finally:
        os.umask(old)
    assert code == 0, err
    cache, data = Path(env["TAILOR_CACHE_DIR"]), Path(env["TAILOR_DATA_DIR"])
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    history = [p for p in data.iterdir() if p.name.startswith("history.sqlite3")]
    assert history and {stat.S_IMODE(p.stat().st_mode) for p in history} == {0o600}


# --- what is kept -------------------------------------------------------------


def test_history_keeps_hashes_not_resume_text(tailor: Invoke, env: dict[str, str], tmp_path: Path) -> None:
    import hashlib

    resume = _planted_resume(tmp_path / "in")
    code, _, err = tailor("run", resume, "--job", JOB, "--out", tmp_path / "o.md")
    assert code == 0, err
    make_tiny_resumes(tmp_path / "in", 2)
    code, _, err = tailor("batch", tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "1")
    assert code == 0, err
    data = Path(env["TAILOR_DATA_DIR"])
    stored = b"".join(p.read_bytes() for p in _files(data))
    assert hashlib.sha256(resume.read_bytes()).hexdigest().encode() in stored  # the run is there, as a hash
    assert not _holding(data, PHRASE.encode()) and not _holding(data, b"Zanzibar")
    assert _holding(tmp_path / "out", PHRASE.encode())  # while the batch output does carry it


def test_cache_clear_all_removes_every_cached_resume(tailor: Invoke, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_CACHE__COMPRESS_THRESHOLD_BYTES", "100000000")  # stored plain, so a byte search can see it
    resume = _planted_resume(tmp_path / "in")
    code, _, err = tailor("run", resume, "--job", JOB, "--out", tmp_path / "o.md")
    assert code == 0, err
    cache = Path(env["TAILOR_CACHE_DIR"])
    assert _holding(cache, PHRASE.encode())  # the cache does hold the resume
    code, out, err = tailor("cache", "clear", "--all", "--json")
    assert code == 0, err
    assert json.loads(out)["cleared"] == "all"
    # Only the user's own files still hold it: the resume and the tailored copy.
    assert {p.resolve() for p in _holding(tmp_path, PHRASE.encode())} == {resume.resolve(), (tmp_path / "o.md").resolve()}
    assert not cache.exists()
    code, out, err = tailor("cache", "stats", "--json")
    assert code == 0 and json.loads(out)["tiers"]["l2"]["entries"] == 0


@pytest.mark.slow
def test_no_api_key_in_any_output_log_cache_or_report(env: dict[str, str], tmp_path: Path) -> None:
    key = f"sk-planted-{uuid.uuid4().hex}"
    secret_env = {**env, "OPENAI_API_KEY": key, "TAILOR_TEST_KEY": key, "TAILOR_PROVIDER": "local"}
    make_tiny_resumes(tmp_path / "in", 4)
    commands = [
        ["run", RESUME, "--job", JOB, "--out", tmp_path / "o.md", "--json"],
        ["run", RESUME, "--job", JOB, "--out", tmp_path / "o.html", "--format", "html"],
        ["batch", tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "1", "--json"],
        ["batch", tmp_path / "in", "--job", JOB, "--out", tmp_path / "out2", "--workers", "1"],
        ["cache", "stats", "--json"],
        ["analytics", "--json"],
        ["config", "show", "--json"],
        ["config", "show"],
        ["pipeline", "show", "--json"],
    ]
    printed = []
    for command in commands:
        proc = cli_process(command, secret_env, tmp_path)
        stdout, stderr = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
        assert proc.returncode == 0, (command, stderr)
        printed.append(stdout + stderr)
    assert "OPENAI_API_KEY" in "".join(printed)  # config show names the variable it reads the key from...
    assert not [text for text in printed if key in text]  # ...and never prints the key
    files = list(_files(tmp_path))
    assert any(p.name == "history.sqlite3" for p in files) and any(p.name == "cache.db" for p in files)
    assert not [p for p in files if key.encode() in p.read_bytes()]


# --- no code from data --------------------------------------------------------

_SOURCES = sorted(p for folder in ("cli", "pipeline", "config") for p in (ROOT / folder).rglob("*.py"))
_SAFE_LOADER = re.compile(r"\bC?SafeLoader\b")


def _assigned(tree: ast.AST, name: str) -> list[ast.expr]:
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]


def _problems(path: Path) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id in {"eval", "exec", "compile", "__import__"}:
            yield f"{where}: {func.id}()"
        dotted = ast.unparse(func)
        if dotted in {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "yaml.unsafe_load", "yaml.full_load"}:
            yield f"{where}: {dotted}()"
        if dotted.startswith(("os.exec", "os.spawn")):
            yield f"{where}: {dotted}()"
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                yield f"{where}: shell={ast.unparse(keyword.value)}"
        if dotted in {"yaml.load", "yaml.load_all"}:
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None)
            candidates = [loader] if loader is not None else []
            if isinstance(loader, ast.Name):
                candidates = _assigned(tree, loader.id) or candidates
            texts = [ast.unparse(c) for c in candidates]
            if not texts or not all(_SAFE_LOADER.search(t) and not re.search(r"Unsafe|Full|\.Loader\b", t) for t in texts):
                yield f"{where}: {dotted} without a safe loader ({', '.join(texts) or 'no Loader'})"


def test_the_scan_catches_what_it_looks_for(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, subprocess, yaml\n"
        "eval('1')\nexec('x=1')\nos.system('ls')\nsubprocess.run('ls', shell=True)\n"
        "yaml.load('a: 1', Loader=yaml.Loader)\nloader = yaml.FullLoader\nyaml.load('a', Loader=loader)\nyaml.load('a')\n"
        "safe = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\nyaml.load('a', Loader=safe)\n"
        "subprocess.run(['ls'], shell=False)\n",
        encoding="utf-8",
    )
    found = list(_problems(probe))
    assert len(found) == 7, found  # every unsafe call, and neither safe one


def test_no_shell_eval_exec_or_unsafe_yaml_in_the_code() -> None:
    assert len(_SOURCES) > 50  # the scan sees the project
    found = [problem for path in _SOURCES for problem in _problems(path)]
    assert found == []


def test_yaml_loading_is_safe_everywhere_yaml_is_loaded() -> None:
    loads = [p for p in _SOURCES if re.search(r"\byaml\.(safe_)?load", p.read_text(encoding="utf-8"))]
    assert len(loads) >= 3  # settings, resumes, taxonomy (and profiles): the scan above covered each
