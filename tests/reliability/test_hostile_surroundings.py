"""Issue 17: hostile surroundings. Outputs only replace regular files; the cache runs nothing it reads;
a cache folder someone else controls is not used; terminal output never carries markup or control
codes from files; one item's cost is bounded and a batch stops at once. Real files, real processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tailor.pipeline.batch.executor import CHUNK_SIZE
from tests.reliability.conftest import JOB, RESUME, SAMPLES, Invoke, assert_one_line_error, cli_process


def run_cli(args: list[object], env: dict[str, str], cwd: Path, timeout: float = 120, **popen: Any) -> tuple[int, str, str]:
    process = cli_process(args, env, cwd, **popen)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


# --- writes: only a regular file is ever replaced, and never an input -------------------------


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_as_out_is_refused_and_left_a_device(tailor: Invoke, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    code, _, err = tailor("run", RESUME, "--job", JOB, "--out", device)
    assert_one_line_error(code, err, names=device)
    assert "character device" in err
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_fifo_as_out_is_refused_at_once_in_run_and_in_batch(env: dict[str, str], tmp_path: Path) -> None:
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    code, _, err = run_cli(["run", RESUME, "--job", JOB, "--out", fifo], env, tmp_path, timeout=60)  # it once hung forever
    assert_one_line_error(code, err, names=str(fifo))
    assert "named pipe" in err and stat.S_ISFIFO(os.stat(fifo).st_mode)
    folder, out = tmp_path / "cvs", tmp_path / "tailored"
    folder.mkdir()
    out.mkdir()
    shutil.copy(RESUME, folder / "a.md")
    shutil.copy(SAMPLES / "resumes" / "account_executive.txt", folder / "b.txt")
    os.mkfifo(out / "a.backend_engineer.md")
    code, stdout, err = run_cli(["batch", folder, "--job", JOB, "--out", out, "--json"], env, tmp_path, timeout=120)
    assert code == 1, err
    items = {Path(i["resume"]).name: i for i in json.loads(stdout)["items"]}
    assert items["a.md"]["status"] == "failed" and "named pipe" in items["a.md"]["error"]
    assert items["b.txt"]["status"] == "ok"


def test_a_socket_as_out_is_refused(tailor: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        code, _, err = tailor("run", RESUME, "--job", JOB, "--out", path)
        assert_one_line_error(code, err, names=str(path))
        assert "socket" in err
    finally:
        server.close()


def test_the_job_file_as_out_is_refused_and_kept(tailor: Invoke, tmp_path: Path) -> None:
    job = tmp_path / "job.md"
    shutil.copy(JOB, job)
    before = job.read_bytes()
    code, _, err = tailor("run", RESUME, "--job", job, "--out", job)
    assert_one_line_error(code, err, names=str(job))
    assert "job description this run reads" in err and job.read_bytes() == before


def test_an_existing_output_keeps_its_mode_and_a_new_one_gets_the_umasks(env: dict[str, str], tmp_path: Path) -> None:
    existing = tmp_path / "existing.md"
    existing.write_text("old\n", encoding="utf-8")
    existing.chmod(0o644)

    def with_umask(mask: int) -> Any:
        return lambda: os.umask(mask)

    code, _, err = run_cli(["run", RESUME, "--job", JOB, "--out", existing], env, tmp_path, preexec_fn=with_umask(0o077))
    assert code == 0, err
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644  # was made 0600 before
    fresh = tmp_path / "fresh.md"
    code, _, err = run_cli(["run", RESUME, "--job", JOB, "--out", fresh], env, tmp_path, preexec_fn=with_umask(0o027))
    assert code == 0, err
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640


# --- nothing executes from the cache; a folder someone else controls is not used -------------


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (open, (str(self.marker), "w"))


def test_a_pickle_planted_in_the_cache_never_runs(tailor_json: Any, env: dict[str, str], tmp_path: Path) -> None:
    import diskcache

    out = tmp_path / "out.md"
    first = tailor_json("run", RESUME, "--job", JOB, "--out", out)
    marker = tmp_path / "pwned"
    with diskcache.Cache(env["TAILOR_CACHE_DIR"]) as raw:  # plain diskcache: it pickles what is not bytes
        keys = [k for k in raw.iterkeys() if isinstance(k, str) and k.startswith("e\x1f")]
        assert keys
        for key in keys:
            raw.set(key, _Planted(marker))
    again = tailor_json("run", RESUME, "--job", JOB, "--out", out)
    assert not marker.exists()
    assert again["scores"] == first["scores"]  # every step a miss, recomputed
    # Our own format naming a function instead of a model: also a miss.
    with diskcache.Cache(env["TAILOR_CACHE_DIR"]) as raw:
        for key in [k for k in raw.iterkeys() if isinstance(k, str) and k.startswith("e\x1f")]:
            raw.set(key, b"TC\x02" + raw.get(key, b"")[3:].replace(b"tailor.pipeline", b"os:system#"))
    assert tailor_json("run", RESUME, "--job", JOB, "--out", out)["scores"] == first["scores"]
    assert not marker.exists()


def test_cache_and_its_database_are_owner_only(tailor_json: Any, env: dict[str, str], tmp_path: Path) -> None:
    folder = Path(env["TAILOR_CACHE_DIR"])
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # existing, ours, readable by others
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "cache.db").stat().st_mode) == 0o600


@pytest.mark.parametrize("how", ["writable by others", "owned by another user"])
def test_a_cache_folder_someone_else_controls_is_not_used(tailor: Invoke, env: dict[str, str], tmp_path: Path, how: str) -> None:
    folder = Path(env["TAILOR_CACHE_DIR"])
    folder.mkdir()
    if how == "writable by others":
        folder.chmod(0o777)
    else:
        if os.geteuid() != 0:
            pytest.skip("changing a folder's owner needs root")
        os.chown(folder, 65534, 65534)  # nobody
    code, out, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md", "--json")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert [w for w in warnings if str(folder) in w and "not used" in w], warnings
    assert not (folder / "cache.db").exists()
    config = tmp_path / "trust.yaml"
    config.write_text("cache:\n  trust_folder: true\n", encoding="utf-8")
    code, out, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md", "--json", "--config", config)
    assert code == 0 and (folder / "cache.db").exists()


# --- terminal safety: text from files is never markup, control codes are shown ----------------

HOSTILE = (
    "# Ana [/] [blink]Lima[/blink]\nana@example.com\n\n## Experience\n\n"
    "### Developer — [link=https://evil.example]Acme[/link] | Jan 2019 – Present\n"
    "- Built [/] payment services in Python [bold]and Kafka\n- Ran Postgres [red]migrations\n"
)


def test_markup_in_a_resume_is_printed_literally(env: dict[str, str], tmp_path: Path) -> None:
    resume = tmp_path / "cv [blink] [link=x].md"  # as markup: blinking, a hyperlink
    resume.write_text(HOSTILE, encoding="utf-8")
    code, out, err = run_cli(["run", resume, "--job", JOB, "--out", tmp_path / "out.md", "--diff"], {**env, "FORCE_COLOR": "1",
                             "COLUMNS": "200"}, tmp_path)
    assert code == 0, err
    assert "Traceback" not in err and "MarkupError" not in err
    assert "\x1b]8;" not in out  # no terminal hyperlink
    assert "\x1b[5m" not in out  # no blinking text
    assert "Built [/] payment services in Python [bold]and Kafka" in out and "cv [blink] [link=x].md" in out


def test_control_characters_in_file_names_are_shown_not_sent(env: dict[str, str], tmp_path: Path) -> None:
    resume = tmp_path / "cv\x1b[2Jred.md"
    shutil.copy(RESUME, resume)
    code, out, err = run_cli(["run", resume, "--job", JOB, "--out", tmp_path / "out.md"], env, tmp_path)
    assert code == 0, err
    assert "\x1b[2J" not in out and "cv\\x1b[2Jred.md" in out
    fake = tmp_path / "x\nerror: fake.md"
    code, out, err = run_cli(["run", fake, "--job", JOB], env, tmp_path)
    assert code == 2
    assert err.count("error:") == 2 and len(err.strip().splitlines()) == 1  # one line: the newline is shown as \n
    assert "x\\nerror: fake.md" in err
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "bad\x1b[31m.pdf").write_bytes(b"not a pdf")
    (folder / "notes\x1b[1m.rtf").write_bytes(b"{\\rtf1}")
    code, out, err = run_cli(["batch", folder, "--job", JOB, "--out", tmp_path / "o", "--quiet"], {**env, "COLUMNS": "200"}, tmp_path)
    assert code == 1
    assert "\x1b[31m" not in out and "\x1b[1m" not in out
    assert "bad\\x1b[31m.pdf" in out and "notes\\x1b[1m.rtf" in out


# --- bounded cost: one item's time, stops, and dead parents -------------------------------------


def _huge_resume(path: Path, bullets: int = 60_000) -> None:
    lines = ["# Huge Person", "huge@example.com", "", "## Experience", "", "### Engineer — Acme | Jan 2019 – Present"]
    lines += [f"- Built service {i} with Python and Kafka, cutting latency {i % 90}% for team {i % 17}." for i in range(bullets)]
    path.write_text("\n".join([*lines, "", "## Skills", "Python, Kafka", ""]), encoding="utf-8")


_RAISED = "limits:\n  max_resume_lines: 1000000\n  max_resume_bullets: 1000000\n"


def test_a_resume_far_past_the_size_of_one_is_refused_at_once(tailor: Invoke, tmp_path: Path) -> None:
    # Issue 17: 1M bullets ran past 600 s. The readers refuse what is no resume before any work:
    # over limits.max_resume_lines lines, or limits.max_resume_bullets bullets (inline ones too).
    lines = tmp_path / "lines.md"
    _huge_resume(lines, 100_000)
    started = time.monotonic()
    code, _, err = tailor("run", lines, "--job", JOB, "--out", tmp_path / "out.md")
    assert_one_line_error(code, err, names="lines.md")
    assert "100,009 lines" in err and "limits.max_resume_lines" in err
    assert time.monotonic() - started < 30  # ~1.4 s measured (reading and repairing 4.6 MB of text)
    one_line = tmp_path / "oneline.txt"
    one_line.write_text("Huge Person huge@example.com " + " • Built Python service" * 20_000 + "\n", encoding="utf-8")
    code, _, err = tailor("run", one_line, "--job", JOB, "--out", tmp_path / "out.txt")
    assert_one_line_error(code, err, names="oneline.txt")
    assert "20,000 bullets" in err and not (tmp_path / "out.txt").exists()


@pytest.fixture(params=["in_process", "worker_pool"])
def slow_folder(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """A batch with one huge item: small enough to run in process, or (padded) on a worker pool."""
    return _slow_folder(tmp_path, pool=request.param == "worker_pool")


def _slow_folder(tmp_path: Path, *, pool: bool) -> tuple[Path, Path]:
    folder = tmp_path / "cvs"
    folder.mkdir()
    _huge_resume(folder / "0huge.md")  # first: the others share its chunk
    shutil.copy(RESUME, folder / "a.md")
    shutil.copy(SAMPLES / "resumes" / "account_executive.txt", folder / "b.txt")
    for n in range(CHUNK_SIZE if pool else 0):  # past one chunk, a batch starts worker processes
        shutil.copy(RESUME, folder / f"pad{n}.md")
    config = tmp_path / "limit.yaml"  # the readers' own limits raised: this item must be slow, not refused
    config.write_text(f"{_RAISED}batch:\n  item_timeout_seconds: 1\n", encoding="utf-8")
    (tmp_path / "raised.yaml").write_text(_RAISED, encoding="utf-8")
    return folder, config


@pytest.mark.slow
def test_an_item_past_the_time_limit_fails_alone_and_its_chunk_runs_on(env: dict[str, str], tmp_path: Path,
                                                                       slow_folder: tuple[Path, Path]) -> None:
    folder, config = slow_folder
    started = time.monotonic()
    code, out, err = run_cli(["batch", folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "1", "--json",
                              "--no-cache", "--config", config], env, tmp_path, timeout=180)
    assert code == 1, err
    items = {Path(i["resume"]).name: i for i in json.loads(out)["items"]}
    assert items["0huge.md"]["status"] == "failed" and "took longer than 1 s" in items["0huge.md"]["error"]
    # In process the item is interrupted; on a pool its worker is ended and replaced.
    assert ("the worker replaced" in items["0huge.md"]["error"]) == (len(items) > 3)
    assert all(item["status"] == "ok" for name, item in items.items() if name != "0huge.md")
    assert time.monotonic() - started < 60  # the huge item alone would take far longer


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_signal_ends_a_batch_at_once_whatever_an_item_is_doing(env: dict[str, str], tmp_path: Path,
                                                                 slow_folder: tuple[Path, Path], signum: int) -> None:
    folder, _ = slow_folder  # no time limit: the huge item would run on
    process = cli_process(["batch", folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "1", "--quiet", "--no-cache",
                           "--config", tmp_path / "raised.yaml"], env, tmp_path)
    time.sleep(3.0)  # the worker is inside the huge item
    sent = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    took = time.monotonic() - sent
    assert process.returncode == 128 + signum, err
    assert took < 5.0, took  # measured ~0.8 s (issue 17 asks 2 s; the bound leaves room for a loaded machine)


@pytest.mark.slow
def test_a_second_ctrl_c_ends_a_batch_at_once_without_a_traceback(env: dict[str, str], tmp_path: Path,
                                                                  slow_folder: tuple[Path, Path]) -> None:
    folder, _ = slow_folder
    process = cli_process(["batch", folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "1", "--quiet", "--no-cache",
                           "--config", tmp_path / "raised.yaml"], env, tmp_path)
    time.sleep(3.0)  # inside the huge item
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    time.sleep(0.1)
    process.send_signal(signal.SIGINT)  # the second: do not wait even the stop's grace
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert time.monotonic() - sent < 5.0
    assert "Traceback" not in err


@pytest.mark.slow
def test_workers_die_with_their_parent(env: dict[str, str], tmp_path: Path) -> None:
    folder, _ = _slow_folder(tmp_path, pool=True)
    process = subprocess.Popen([sys.executable, "-m", "tailor.cli", "batch", str(folder), "--job", str(JOB), "--out",
                                str(tmp_path / "out"), "--workers", "1", "--quiet", "--no-cache",
                                "--config", str(tmp_path / "raised.yaml")],
                               env={**os.environ, **env}, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)

    def alive_family() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == process.pid and fields[0] != "Z" and int(entry.name) != process.pid:
                    found.append(int(entry.name))
        return found

    deadline = time.monotonic() + 30
    while not alive_family() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive_family(), "no worker started"
    time.sleep(2.0)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while alive_family() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive_family() == []  # workers, fork server and resource tracker: all gone
