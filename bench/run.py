"""How fast is one `tailor run`? In-process and as a whole process, cold and cached.

    python bench/run.py [--repeat 15]

Prints medians measured in this one run, and the ratios the targets are about:
- in-process run of the local provider on the sample data (target < 20 ms);
- a fully cached in-process run against a cold one (target >= 20x faster);
- `tailor --help` as a whole process (target < 150 ms), beside a bare `python -c pass`;
- one whole-process `tailor run`, cold and cached (cached: dominated by interpreter start-up).
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
    from config import load_settings

    return load_settings(None, {"cache.dir": str(cache_dir), "history.dir": str(data_dir)}, env={}).settings


async def _timed(session, pairs: list[tuple[Path, Path]], repeat: int, out: Path) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds per run, every pair ``repeat`` times, after one untimed pass over the pairs.

    Each pair writes its own output file, as repeating one command does.
    """
    from pipeline.tailoring.service import RunRequest

    outs = [out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(len(pairs))]
    for (resume, job), path in zip(pairs, outs):  # warm-up: imports, taxonomy compile, or filling the cache
        await session.tailor(RunRequest(resume, job, output=path))
    times = []
    for _ in range(repeat):
        for (resume, job), path in zip(pairs, outs):
            t0 = time.perf_counter()
            await session.tailor(RunRequest(resume, job, output=path))
            times.append((time.perf_counter() - t0) * 1000)
    return times


async def _in_process(repeat: int, work: Path) -> dict[str, float]:
    from pipeline.tailoring.service import RunRequest, Session

    pairs = _pairs()
    settings = _settings(work / "cache", work / "data")
    out = work / "out.md"
    figures: dict[str, float] = {}
    # Cold: cache off, history off — the pipeline's own work.
    async with Session(settings, use_cache=False, record_history=False) as session:
        figures["cold_ms"] = statistics.median(await _timed(session, pairs, repeat, out))
    # Cached: the untimed pass fills the cache, then every step hits L1.
    async with Session(settings, use_cache=True, record_history=False) as session:
        figures["cached_l1_ms"] = statistics.median(await _timed(session, pairs, repeat, out))
    # A new session on the same folder: every step comes from L2 (disk) on its first lookup.
    times = []
    for _ in range(max(3, repeat // 3)):
        async with Session(settings, use_cache=True, record_history=False) as session:
            for n, (resume, job) in enumerate(pairs):
                t0 = time.perf_counter()
                await session.tailor(RunRequest(resume, job, output=out.with_name(f"{out.stem}-{n}{out.suffix}")))
                times.append((time.perf_counter() - t0) * 1000)
    figures["cached_l2_ms"] = statistics.median(times)
    return figures


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
        tailor = [sys.executable, "-m", "cli"]
        resume, job = _pairs()[0]
        run = [*tailor, "run", str(resume), "--job", str(job), "--out", str(work / "p.md"), "--json"]
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
    print(f"  tailor run, cached           {cached_proc_ms:8.1f} ms   start-up share {python_ms / cached_proc_ms:.0%} (interpreter) ")


if __name__ == "__main__":
    main()
