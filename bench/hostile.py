"""`tailor run` on a hostile resume (one role, N bullets): wall time per size and how it grows.

Issue 17: a Markdown resume with 1M bullets ran past 600 s because a step was
quadratic in the bullet count. This bench generates a resume of a header, one
role ("Engineer — Acme | Jan 2019 – Present"), N varied bullets and a skills
section, then times the whole `tailor run` process (a subprocess, ``--no-cache``,
``--mode full``) for each size and length, the median of ``--rounds``. Linear
growth shows as time(100k) / time(10k) ≈ 10 (less, since process start-up and
imports are a fixed cost); a quadratic step shows as ≈ 100.

The readers refuse a resume past limits.max_resume_lines / max_resume_bullets at once
(``--default-limits`` times that refusal); by default this bench raises both, to time
what the pipeline itself costs.

Usage: python bench/hostile.py [--sizes 10000,50000,100000] [--rounds 3] [--length thorough,concise] [--default-limits]
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

ROOT = Path(__file__).resolve().parents[1]
JOB = ROOT / "sample_data" / "jobs" / "backend_engineer.md"

_VERBS = ("Built", "Designed", "Ran", "Tuned", "Migrated", "Wrote", "Automated", "Led", "Maintained", "Reviewed")
_THINGS = ("service", "pipeline", "dashboard", "report", "API", "job", "cluster", "module", "workflow", "tool")
_TECH = ("Python", "Kafka", "PostgreSQL", "Docker", "Kubernetes", "Terraform", "Redis", "Go", "AWS", "FastAPI")
_PLAIN = ("the team's wiki", "onboarding notes", "the quarterly offsite", "a reading group", "the style guide")


def bullet(n: int) -> str:
    """The n-th bullet: varied words; most hold a number and a job skill, some hold neither (concise drops those)."""
    verb, thing = _VERBS[n % len(_VERBS)], _THINGS[(n // 10) % len(_THINGS)]
    if n % 7 == 3:
        return f"- {verb} {_PLAIN[(n // 7) % len(_PLAIN)]} for colleagues"
    a, b = _TECH[n % len(_TECH)], _TECH[(n * 3 + 1) % len(_TECH)]
    return f"- {verb} {thing} {n} with {a} and {b}, cutting latency {n % 90 + 5}%."


def hostile_resume(bullets: int) -> str:
    lines = [
        "# Sam Rivera",
        "",
        "Backend Engineer · Denver, CO · sam@example.com",
        "",
        "## Experience",
        "",
        "### Engineer — Acme | Jan 2019 – Present",
        "",
        *(bullet(n) for n in range(bullets)),
        "",
        "## Skills",
        "",
        "- **Languages:** Python, Go, SQL",
        "- **Infrastructure:** Docker, Postgres, AWS",
        "",
    ]
    return "\n".join(lines)


def run_once(resume: Path, out: Path, length: str, env: dict[str, str], config: Path | None) -> float:
    command = [sys.executable, "-m", "tailor.cli", "run", str(resume), "--job", str(JOB), "--out", str(out),
               "--no-cache", "--length", length, "--mode", "full", *(["--config", str(config)] if config else [])]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 2) or (done.returncode == 2 and config is not None):
        raise SystemExit(f"tailor run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--length", default="thorough,concise")
    parser.add_argument("--default-limits", action="store_true",
                        help="keep limits.max_resume_* (then a resume past 20 000 lines is refused at once: timed too)")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="tailor-bench-hostile-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "TAILOR_CACHE_DIR": str(work / "cache"), "TAILOR_DATA_DIR": str(work / "data")}
        config: Path | None = None
        if not options.default_limits:  # the pipeline's own cost, past the readers' refusal of such a file
            config = work / "raised.yaml"
            config.write_text("limits:\n  max_resume_lines: 10000000\n  max_resume_bullets: 10000000\n", encoding="utf-8")
        print(f"cores: {os.cpu_count()}   median of {options.rounds} runs of the whole `tailor run` process", flush=True)
        for length in options.length.split(","):
            times: dict[int, float] = {}
            for size in sizes:
                resume = work / f"hostile-{size}.md"
                resume.write_text(hostile_resume(size), encoding="utf-8")
                runs = [run_once(resume, work / f"out-{size}.md", length, env, config) for _ in range(options.rounds)]
                times[size] = statistics.median(runs)
                print(f"{length:>9}  {size:>8} bullets  {times[size]:7.2f} s   "
                      f"(runs: {', '.join(f'{r:.2f}' for r in runs)})", flush=True)
            small, large = min(sizes), max(sizes)
            if small != large:
                print(f"{length:>9}  ratio time({large // 1000}k) / time({small // 1000}k) = "
                      f"{times[large] / times[small]:.1f}  (linear ≈ {large / small:.0f})", flush=True)


if __name__ == "__main__":
    main()
