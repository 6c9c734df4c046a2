"""How fast is one `tailor run`? In-process and as a whole process, cold and cached.

    python bench/run.py [--repeat 15]

Prints medians measured in this one run, and the ratios the targets are about:
- in-process run of the local provider on the sample data (target < 20 ms);
- a fully cached in-process run against a cold one (target >= 20x faster);
- `tailor --help` as a whole process (target < 150 ms), beside a bare `python -c pass`;
- one whole-process `tailor run`, cold and cached (cached: dominated by start-up, not by the run).

Whole processes run with bytecode caching on (as on an installed machine) even if
PYTHONDONTWRITEBYTECODE is set here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAIRS = [
    ("software_engineer.md", "backend_engineer.md"),
    ("data_scientist.json", "data_scientist.txt"),
    ("product_designer.docx", "product_designer.md"),
    ("registered_nurse.pdf", "registered_nurse.txt"),
    ("account_executive.txt", "account_executive.md"),
    ("career_changer_teacher.yaml", "data_scientist.txt"),
]


def _pairs() -> list[tuple[Path, Path]]:
    resumes, jobs = ROOT / "sample_data" / "resumes", ROOT / "sample_data" / "jobs"
    return [(resumes / r, jobs / j) for r, j in PAIRS if (resumes / r).exists() and (jobs / j).exists()]


def _settings(cache_dir: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    from tailor.config import load_settings

    return load_settings(None, {"cache.dir": str(cache_dir), "history.dir": str(data_dir)}, env={}).settings


async def _in_process(repeat: int, work: Path) -> dict[str, float]:
    """Medians per run: cold (cache and history off), cached in L1, and cached in L2 only.

    Cold and L1-cached runs alternate, a pass over the pairs each, so a change in the
    machine's load touches both figures alike and their ratio stays fair. Each pair writes its own
    output file, as repeating one command does.
    """
    from tailor.pipeline.app import RunRequest, Session

    pairs = _pairs()
    settings = _settings(work / "cache", work / "data")
    requests = [RunRequest(r, j, output=work / f"out-{n}.md") for n, (r, j) in enumerate(pairs)]
    cold, cached = [], []
    async with Session(settings, use_cache=False, record_history=False) as cold_session, \
            Session(settings, use_cache=True, record_history=False) as cached_session:
        for request in requests:  # warm-up: imports, taxonomy compile, filling the cache
            await cold_session.tailor(request)
            await cached_session.tailor(request)
        for _ in range(repeat):
            for session, times in ((cold_session, cold), (cached_session, cached)):
                for request in requests:
                    t0 = time.perf_counter()
                    await session.tailor(request)
                    times.append((time.perf_counter() - t0) * 1000)
    # A new session on the same folder: every step comes from L2 (disk) on its first lookup.
    from_disk = []
    for _ in range(max(3, repeat // 3)):
        async with Session(settings, use_cache=True, record_history=False) as session:
            for request in requests:
                t0 = time.perf_counter()
                await session.tailor(request)
                from_disk.append((time.perf_counter() - t0) * 1000)
    return {
        "cold_ms": statistics.median(cold),
        "cached_l1_ms": statistics.median(cached),
        "cached_l2_ms": statistics.median(from_disk),
    }


def _process_ms(argv: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inproc = anyio.run(_in_process, args.repeat, work)
        env = {**os.environ, "TAILOR_CACHE_DIR": str(work / "pcache"), "TAILOR_DATA_DIR": str(work / "pdata")}
        # As on an installed machine, where imports load cached bytecode: a PYTHONDONTWRITEBYTECODE
        # environment would otherwise recompile every module on every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        tailor = [sys.executable, "-m", "tailor.cli"]
        resume, job = _pairs()[0]
        run = [*tailor, "run", str(resume), "--job", str(job), "--out", str(work / "p.md"), "--json"]
        subprocess.run([*tailor, "--help"], env=env, stdout=subprocess.DEVNULL, check=True)  # write the bytecode
        python_ms = _process_ms([sys.executable, "-c", "pass"], args.repeat, env)
        help_ms = _process_ms([*tailor, "--help"], args.repeat, env)
        cold_proc_ms = _process_ms([*run, "--no-cache"], max(3, args.repeat // 3), env)
        subprocess.run(run, env=env, stdout=subprocess.DEVNULL, check=True)  # fill the cache
        cached_proc_ms = _process_ms(run, max(3, args.repeat // 3), env)

    n = len(_pairs())
    print(f"tailor run, local provider, {n} sample resume/job pairs x {args.repeat} repeats (medians)")
    print(f"  in-process, cache off        {inproc['cold_ms']:8.2f} ms   target < 20 ms: {'met' if inproc['cold_ms'] < 20 else 'MISSED'}")
    print(f"  in-process, cached (L1)      {inproc['cached_l1_ms']:8.3f} ms   {inproc['cold_ms'] / inproc['cached_l1_ms']:6.1f}x faster than cold (target >= 20x)")
    print(f"  in-process, cached (L2 disk) {inproc['cached_l2_ms']:8.3f} ms   {inproc['cold_ms'] / inproc['cached_l2_ms']:6.1f}x faster than cold")
    print("whole process (medians)")
    print(f"  python -c pass               {python_ms:8.1f} ms   (interpreter start-up, the floor)")
    print(f"  tailor --help                {help_ms:8.1f} ms   target < 150 ms: {'met' if help_ms < 150 else 'MISSED'}; {help_ms - python_ms:.0f} ms over the interpreter")
    print(f"  tailor run, cache off        {cold_proc_ms:8.1f} ms")
    print(f"  tailor run, cached           {cached_proc_ms:8.1f} ms   the pipeline's own share {inproc['cached_l2_ms'] / cached_proc_ms:.1%} "
          f"(an L2-cached run in-process); start-up and imports {1 - inproc['cached_l2_ms'] / cached_proc_ms:.1%}, "
          f"of which the bare interpreter {python_ms / cached_proc_ms:.0%}")


if __name__ == "__main__":
    main()
