"""What a person waits for: whole `tailor` processes, each alternated with `python -c pass`.

    python bench/cli.py [--rounds 9] [--batch-sizes 7,200]

Each case runs as a real process, alternating with a bare `python -c pass` in the same run,
and is printed as its median and as the ratio of its median to that of `python -c pass`
(ratios, not milliseconds, are what carry over between machines). Cases: `--help`, a cold
`tailor run` (a cache folder of its own each time), a cached one, the same with `--json`,
`cache stats`, and a 7- and a 200-item batch (cold, fresh output and cache each round) with
`--workers 1` and `--workers 2`, the two taking turns in the same rounds.

A repeat (the same plain command line again) is answered by the whole-run fast path; the
"full path" case adds an explicit default flag, which the fast path does not take.

Issue 16's targets, on this 2-core machine: cached run <= 4x `python -c pass`, `--help`
<= 3x, cold run <= 10x, cached <= 0.3x cold, a 7-item batch with 2 workers no slower than 1.
Bytecode is written as on an installed machine (PYTHONDONTWRITEBYTECODE is cleared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESUME = ROOT / "sample_data" / "resumes" / "software_engineer.md"
JOB = ROOT / "sample_data" / "jobs" / "backend_engineer.md"
# The console script beside this interpreter (a pyenv shim on PATH would add its own start-up).
TAILOR = str(Path(sys.executable).with_name("tailor")) if Path(sys.executable).with_name("tailor").exists() \
    else shutil.which("tailor") or "tailor"


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return took * 1000.0


def alternate(rounds: int, prepare: Callable[[int], tuple[list[str], dict[str, str]]], cwd: Path) -> tuple[float, float]:
    """(median ms of the case, median ms of `python -c pass`), alternating one of each per round."""
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    case, bare = [], []
    for n in range(rounds):
        command, env = prepare(n)
        bare.append(timed([sys.executable, "-c", "pass"], base_env, cwd))
        case.append(timed(command, {**base_env, **env}, cwd))
    return statistics.median(case), statistics.median(bare)


def alternate_all(rounds: int, prepare: Callable[[int], tuple[list[str], dict[str, str]]], cwd: Path,
                  kinds: int = 2) -> tuple[list[float], float]:
    """Like ``alternate``, for ``kinds`` cases that take turns (round n is case n % kinds): their medians, and the bare one."""
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cases: list[list[float]] = [[] for _ in range(kinds)]
    bare = []
    for n in range(rounds):
        command, env = prepare(n)
        bare.append(timed([sys.executable, "-c", "pass"], base_env, cwd))
        cases[n % kinds].append(timed(command, {**base_env, **env}, cwd))
    return [statistics.median(times) for times in cases], statistics.median(bare)


def make_batch(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = RESUME.read_text(encoding="utf-8").splitlines()
    for i in range(count):
        body = list(lines)
        body[0] = f"# Candidate {i:04d}"
        (folder / f"r{i:04d}.md").write_text("\n".join(body) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batch-sizes", default="7,200")
    parser.add_argument("--batch-rounds", type=int, default=3)
    options = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="tailor-bench-cli-") as tmp:
        work = Path(tmp)
        data = {"TAILOR_DATA_DIR": str(work / "data")}
        warm = {**data, "TAILOR_CACHE_DIR": str(work / "cache")}
        run = [TAILOR, "run", str(RESUME), "--job", str(JOB), "--out", str(work / "out.md")]
        # Warm-up: bytecode written, the cached run's entries in place, its whole-run records left.
        for command in ([TAILOR, "--help"], run, run, [*run, "--json"], [*run, "--json"]):
            timed(command, {**os.environ, **warm}, work)

        def fixed(command: list[str], env: dict[str, str]) -> Callable[[int], tuple[list[str], dict[str, str]]]:
            return lambda n: (command, env)

        def cold(n: int) -> tuple[list[str], dict[str, str]]:
            return run, {**data, "TAILOR_CACHE_DIR": str(work / f"cold-{n}")}

        cases: list[tuple[str, Callable[[int], tuple[list[str], dict[str, str]]], int]] = [
            ("tailor --help", fixed([TAILOR, "--help"], warm), options.rounds),
            ("tailor run, cold", cold, options.rounds),
            ("tailor run, cached (a repeat)", fixed(run, warm), options.rounds),
            ("tailor run --json, cached (a repeat)", fixed([*run, "--json"], warm), options.rounds),
            # An explicit flag (the default schedule) is not the fast path's command line: the full path.
            ("tailor run, cached, full path", fixed([*run, "--schedule", "parallel"], warm), options.rounds),
            ("tailor cache stats", fixed([TAILOR, "cache", "stats"], warm), options.rounds),
        ]
        print(f"cores: {os.cpu_count()}   medians of {options.rounds} rounds (batches: {options.batch_rounds}), "
              "each alternated with `python -c pass`", flush=True)

        def show(name: str, case: float, bare: float) -> None:
            rows.append((name, case, bare))
            print(f"  {name:<34} {case:8.0f} ms   {case / bare:5.1f}x python -c pass ({bare:.0f} ms)", flush=True)

        for name, prepare, rounds in cases:
            show(name, *alternate(rounds, prepare, work))
        for size in (int(s) for s in options.batch_sizes.split(",")):
            make_batch(work / f"in-{size}", size)

            def batch(n: int, size: int = size) -> tuple[list[str], dict[str, str]]:
                workers = 1 + n % 2  # 1 and 2 workers in turn, in the same rounds: one load for both
                tag = f"{size}-{workers}-{n}"
                return ([TAILOR, "batch", str(work / f"in-{size}"), "--job", str(JOB), "--out", str(work / f"bout-{tag}"),
                         "--workers", str(workers), "--quiet"], {**data, "TAILOR_CACHE_DIR": str(work / f"bcache-{tag}")})

            by_workers, bare = alternate_all(2 * options.batch_rounds, batch, work)
            for workers in (1, 2):
                show(f"tailor batch, {size} items, {workers} worker{'s' if workers > 1 else ''}", by_workers[workers - 1], bare)
    by = {name: case for name, case, _ in rows}
    cold_ms = by.get("tailor run, cold")
    for name in ("tailor run, cached (a repeat)", "tailor run, cached, full path"):
        if cold_ms and name in by:
            print(f"  {name.removeprefix('tailor run, ')} / cold run: {by[name] / cold_ms:.2f}")
    for size in options.batch_sizes.split(","):
        one, two = by.get(f"tailor batch, {size} items, 1 worker"), by.get(f"tailor batch, {size} items, 2 workers")
        if one and two:
            print(f"  {size}-item batch, 2 workers / 1 worker: {two / one:.2f}")


if __name__ == "__main__":
    main()
