"""`tailor batch` throughput, scaling, parent memory and warm re-runs, measured in one run.

Generates varied resumes (bullets shuffled, skills swapped, names and dates changed)
from the sample text resumes into a temp folder, then runs the real `tailor batch`
as a subprocess with its own TAILOR_CACHE_DIR / TAILOR_DATA_DIR:

  1. 2 000 resumes, --workers 1, --no-cache                -> items/s
  2. the same, --workers <cores>, --no-cache               -> items/s, ratio to 1.
  3. run 2 again (every output up to date)                 -> wall, ratio to run 2
  4. tiny resumes: 2 000 vs 10 000, all cores, --no-cache  -> parent peak RSS (flat?)

Usage: python bench/batch.py [--count 2000] [--big-count 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = ROOT / "sample_data" / "jobs" / "backend_engineer.md"
TEMPLATES = [ROOT / "sample_data" / "resumes" / n for n in ("software_engineer.md", "account_executive.txt", "mechanical_engineer_pasted.txt")]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lea", "Mo", "Nia"]
LAST = ["Okafor", "Silva", "Novak", "Park", "Reyes", "Haddad", "Kowalski", "Tanaka", "Larsen", "Mensah"]
SKILLS = ["Python", "Go", "Java", "Rust", "Kubernetes", "Terraform", "PostgreSQL", "Kafka", "AWS", "GCP", "Docker", "React", "Salesforce", "SQL"]
YEAR = re.compile(r"\b(20[012]\d)\b")
TINY = """# {name}

Software Engineer · {city}

## Experience

### Engineer — Acme {n}
{start} – Present

- Built {a} services and {b} pipelines.
- Ran {c} on-call for {d}.

## Skills

{skills}
"""

# The parent's own peak memory (RUSAGE_SELF: not the workers'), printed after the CLI exits.
WRAPPER = (
    "import resource, sys\n"
    "from tailor.cli.app import app\n"
    "try:\n"
    "    app(sys.argv[1:])\n"
    "finally:\n"
    "    print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def varied(text: str, rng: random.Random, i: int) -> str:
    lines = text.splitlines()
    bullets = [n for n, line in enumerate(lines) if line.lstrip().startswith(("- ", "* ", "• "))]
    moved = [lines[n] for n in bullets]
    rng.shuffle(moved)
    for n, line in zip(bullets, moved):
        lines[n] = line
    if lines:
        lines[0] = f"# {rng.choice(FIRST)} {rng.choice(LAST)} {i}"
    out = "\n".join(lines)
    a, b = rng.sample(SKILLS, 2)
    out = re.sub(rf"\b{re.escape(a)}\b", b, out, count=1)
    shift = rng.randint(-3, 0)
    return YEAR.sub(lambda m: str(int(m.group(1)) + shift), out) + f"\n- Side project {i}: {rng.choice(SKILLS)} tooling.\n"


def generate(folder: Path, count: int, *, tiny: bool) -> None:
    texts = [p.read_text(encoding="utf-8") for p in TEMPLATES]
    for i in range(count):
        rng = random.Random(i)
        sub = folder / f"team{i % 20:02d}"  # a tree, like real exports
        sub.mkdir(parents=True, exist_ok=True)
        if tiny:
            text = TINY.format(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", city="Remote", n=i, start=f"Jan {2015 + i % 9}",
                a=rng.choice(SKILLS), b=rng.choice(SKILLS), c=rng.choice(SKILLS), d=rng.choice(SKILLS),
                skills=", ".join(rng.sample(SKILLS, 5)),
            )
            (sub / f"r{i:05d}.md").write_text(text, encoding="utf-8")
        else:
            k = i % len(texts)
            (sub / f"r{i:05d}{TEMPLATES[k].suffix}").write_text(varied(texts[k], rng, i), encoding="utf-8")


def run_batch(folder: Path, out: Path, work: Path, *args: str) -> dict:
    env = {**os.environ, "TAILOR_CACHE_DIR": str(work / "cache"), "TAILOR_DATA_DIR": str(work / "data")}
    command = [sys.executable, "-c", WRAPPER, "batch", str(folder), "--job", str(JOB), "--out", str(out), *args]
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = next((int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("PEAK_RSS_KB")), -1)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"tailor batch failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout)["summary"] if "--json" in args else {}
    return {"process_wall_s": wall, "peak_rss_mb": peak / 1024, **summary}


def show(label: str, r: dict) -> None:
    figures = f"process wall {r['process_wall_s']:7.2f} s   parent peak RSS {r['peak_rss_mb']:6.1f} MB"
    if "items_per_s" in r:
        figures += (
            f"   ok {r['succeeded']} failed {r['failed']} skipped {r['skipped']}   batch wall {r['wall_ms'] / 1000:6.2f} s"
            f"   {r['items_per_s']:7.1f} items/s   p50 {r['p50_ms']} ms p95 {r['p95_ms']} ms p99 {r['p99_ms']} ms"
        )
    print(f"{label:<38} {figures}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--big-count", type=int, default=10000)
    options = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="tailor-bench-batch-") as tmp:
        work = Path(tmp)
        print(f"cores: {cores}   generating {options.count} varied resumes + {options.count}/{options.big_count} tiny ones ...", flush=True)
        generate(work / "resumes", options.count, tiny=False)
        generate(work / "tiny_small", options.count, tiny=True)
        generate(work / "tiny_big", options.big_count, tiny=True)

        one = run_batch(work / "resumes", work / "out1", work, "--workers", "1", "--no-cache", "--quiet", "--json")
        show(f"cold {options.count}, --workers 1", one)
        many = run_batch(work / "resumes", work / "outN", work, "--workers", str(cores), "--no-cache", "--quiet", "--json")
        show(f"cold {options.count}, --workers {cores}", many)
        warm = run_batch(work / "resumes", work / "outN", work, "--workers", str(cores), "--no-cache", "--quiet", "--json")
        show(f"warm re-run {options.count} (all up to date)", warm)
        small = run_batch(work / "tiny_small", work / "out_ts", work, "--workers", str(cores), "--no-cache", "--quiet")
        show(f"tiny {options.count}, --workers {cores}", small)
        big = run_batch(work / "tiny_big", work / "out_tb", work, "--workers", str(cores), "--no-cache", "--quiet")
        show(f"tiny {options.big_count}, --workers {cores}", big)

        print()
        print(f"scaling: {many['items_per_s'] / one['items_per_s']:.2f}x items/s with {cores} workers vs 1 (target >= 1.7x on 2 cores)")
        print(
            f"warm re-run: {many['process_wall_s'] / warm['process_wall_s']:.1f}x faster by process wall "
            f"({many['wall_ms'] / max(warm['wall_ms'], 1e-9):.1f}x by batch wall) than the cold run (target >= 20x)"
        )
        print(
            f"parent peak RSS: {small['peak_rss_mb']:.1f} MB for {options.count} vs {big['peak_rss_mb']:.1f} MB for {options.big_count} "
            f"(x{big['peak_rss_mb'] / small['peak_rss_mb']:.2f} for x{options.big_count / options.count:.0f} the files)"
        )
        print(f"tiny throughput: {options.count / small['process_wall_s']:.0f} vs {options.big_count / big['process_wall_s']:.0f} items/s by process wall")


if __name__ == "__main__":
    main()
