"""Load: one `tailor batch` of 10 000 generated resumes, bounded memory, every item accounted for.

Generates N small, distinct resumes (1 in 100 deliberately broken: malformed JSON) in a
temp folder and runs the real `tailor batch --json` as a subprocess with its own
TAILOR_CACHE_DIR / TAILOR_DATA_DIR. While it runs, /proc is sampled every 0.2 s for the
resident memory of the parent and of the whole process tree (workers, fork server).
A first, smaller batch (N / 10) gives the same figures, so the two peaks can be compared:
bounded memory means the parent's peak does not grow with the batch.

Prints: items, succeeded / failed / not_started, every item accounted for (yes/no),
wall time, items/s, peak RSS of the parent and of the tree, for both sizes.

Usage: python bench/load.py [--count 10000] [--workers N]   (takes minutes; not part of the test suite)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = ROOT / "sample_data" / "jobs" / "backend_engineer.md"
SKILLS = ["Python", "Go", "Java", "Kubernetes", "PostgreSQL", "Kafka", "Docker", "AWS", "Terraform", "Redis", "React", "SQL"]
TINY = """# Candidate {n}
candidate{n}@example.com

## Summary
Engineer who ships {a} and {b} services.

## Experience
### Engineer, Acme {n}
Jan {year} - Present
- Built {a} APIs used by {teams} teams
- Ran {b} in production for {users} users

## Skills
{a}, {b}, {c}
"""


def generate(folder: Path, count: int) -> int:
    """``count`` files; every 100th is broken. Returns how many are broken."""
    folder.mkdir(parents=True)
    broken = 0
    for n in range(count):
        if n % 100 == 99:
            (folder / f"c{n:05d}.json").write_text('{"basics": {"name": "Broken"', encoding="utf-8")
            broken += 1
            continue
        a, b, c = (SKILLS[(n * k + k) % len(SKILLS)] for k in (1, 5, 7))
        text = TINY.format(n=n, a=a, b=b, c=c, year=2010 + n % 14, teams=1 + n % 9, users=100 * (1 + n % 50))
        (folder / f"c{n:05d}.md").write_text(text, encoding="utf-8")
    return broken


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (workers, the fork server, the resource tracker)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def run(folder: Path, work: Path, workers: int | None) -> dict[str, object]:
    env = {**os.environ, "TAILOR_CACHE_DIR": str(work / "cache"), "TAILOR_DATA_DIR": str(work / "data")}
    command = [sys.executable, "-m", "tailor.cli", "batch", str(folder), "--job", str(JOB), "--out", str(work / "out"), "--json", "--quiet"]
    if workers:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"parent": 0, "tree": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peaks["parent"] = max(peaks["parent"], _rss_kb(proc.pid))
            peaks["tree"] = max(peaks["tree"], sum(_rss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if not stdout.strip():
        raise SystemExit(f"batch printed nothing (exit {proc.returncode}): {stderr[-2000:]}")
    data = json.loads(stdout)
    return {"exit": proc.returncode, "wall_s": wall, "summary": data["summary"], "items": data["items"], **peaks}


def report(label: str, count: int, broken: int, result: dict[str, object]) -> None:
    summary = result["summary"]
    items = result["items"]
    assert isinstance(summary, dict) and isinstance(items, list)
    accounted = (
        summary["total"] == count
        and summary["succeeded"] + summary["failed"] + summary["skipped"] + summary["not_started"] == count
        and len({item["resume"] for item in items}) == count
    )
    if summary["not_started"] == 0 and summary["failed"] != broken:
        print(f"  ! {summary['failed']} failed, {broken} expected")
    print(f"{label}: {count} resumes ({broken} broken), exit {result['exit']}")
    print(f"  succeeded {summary['succeeded']}, failed {summary['failed']}, not started {summary['not_started']}, "
          f"skipped {summary['skipped']}; every item accounted for: {'yes' if accounted else 'NO'}")
    print(f"  wall {result['wall_s']:.1f} s, {count / result['wall_s']:.0f} items/s; "
          f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms")
    print(f"  peak RSS: parent {int(result['parent']) / 1024:.0f} MB, whole tree {int(result['tree']) / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, workers: {args.workers or 'default (one per core)'}")
    results = []
    for count in (max(100, args.count // 10), args.count):
        with tempfile.TemporaryDirectory(prefix="tailor-load-") as tmp:
            work = Path(tmp)
            broken = generate(work / "in", count)
            result = run(work / "in", work, args.workers)
            report(f"batch of {count}", count, broken, result)
            results.append((count, result))
    (small, a), (big, b) = results
    print(f"parent peak RSS, {big} vs {small} resumes: {int(b['parent']) / max(1, int(a['parent'])):.2f}x "
          f"for {big / small:.0f}x the items")


if __name__ == "__main__":
    main()
