"""`tailor batch` on local worker processes vs a 2-worker Dask LocalCluster: items/s and the cluster's cost per item.

Generates varied resumes with bench/batch.py's generator, starts one LocalCluster
(2 single-threaded worker processes, as `--executor dask` does), then runs the same
folder through both executors, alternating, ``--rounds`` times, cache off, history
on (each executor writes it its own way). Items/s is counted in steady state:
from the first finished item to the last, so neither the process start-up of the
local pool nor the cluster's first task (imports, taxonomy) is in it; the start-up
costs are printed apart. Medians over the rounds.

On 2 cores the cluster is not expected to win: what it shows is the overhead per
item (scheduler round trips, pickling, the client writing manifest and history),
which is what scaling out has to beat.

Usage: python bench/scale.py [--count 320] [--rounds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from batch import JOB, generate  # bench/batch.py (bench/ is not a package)


def run_once(folder: Path, out: Path, workers: int, executor: str, scheduler: str | None) -> dict[str, float]:
    from tailor.cli.settings import settings_from_flags
    from tailor.pipeline.batch import Batch, ItemOutcome

    out.mkdir(parents=True)
    batch = Batch(
        settings_from_flags(None), folder, [JOB], out, use_cache=False, workers=workers, executor=executor, scheduler=scheduler
    )
    marks: list[float] = []
    statuses: dict[str, int] = {}

    def on_outcome(outcome: ItemOutcome) -> None:
        marks.append(time.perf_counter())
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1

    start = time.perf_counter()
    batch.run(on_outcome, lambda: False)
    wall = time.perf_counter() - start
    if statuses.get("ok", 0) != len(marks):
        raise SystemExit(f"{executor}: not every item succeeded: {statuses}")
    first = marks[0]
    after_first = sum(1 for m in marks if m > first)  # items finished after the first batch of results
    steady = after_first / (marks[-1] - first)
    return {"wall_s": wall, "first_s": first - start, "steady_items_per_s": steady, "items_per_s": len(marks) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tailor-bench-scale-") as tmp:
        work = Path(tmp)
        # Before the cluster starts: its workers inherit the environment.
        os.environ["TAILOR_CACHE_DIR"] = str(work / "cache")
        os.environ["TAILOR_DATA_DIR"] = str(work / "data")
        from distributed import LocalCluster

        print(f"cores: {os.cpu_count()}   generating {options.count} varied resumes ...", flush=True)
        generate(work / "resumes", options.count, tiny=False)
        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=options.workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster:
            cluster_start = time.perf_counter() - t0
            print(f"LocalCluster of {options.workers} workers up in {cluster_start:.2f} s", flush=True)
            runs: dict[str, list[dict[str, float]]] = {"local": [], "dask": []}
            for r in range(options.rounds):
                for executor in ("local", "dask"):
                    scheduler = cluster.scheduler_address if executor == "dask" else None
                    result = run_once(work / "resumes", work / f"out-{executor}-{r}", options.workers, executor, scheduler)
                    runs[executor].append(result)
                    print(
                        f"round {r + 1} {executor:<5}  wall {result['wall_s']:6.2f} s   first item {result['first_s']:5.2f} s   "
                        f"{result['items_per_s']:6.1f} items/s overall   {result['steady_items_per_s']:6.1f} items/s steady",
                        flush=True,
                    )

    def median(executor: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[executor])

    local, dask = median("local", "steady_items_per_s"), median("dask", "steady_items_per_s")
    local_ms, dask_ms = 1000.0 / local, 1000.0 / dask
    print()
    print(f"medians over {options.rounds} rounds, {options.count} items, {options.workers} workers, cache off:")
    print(f"  local processes   {local:7.1f} items/s steady  ({local_ms:6.2f} ms of wall per item)   first item after {median('local', 'first_s'):.2f} s")
    print(f"  dask LocalCluster {dask:7.1f} items/s steady  ({dask_ms:6.2f} ms of wall per item)   first item after {median('dask', 'first_s'):.2f} s")
    print(f"  ratio dask/local: {dask / local:.2f}x items/s")
    print(
        f"  cluster overhead: {dask_ms - local_ms:+.2f} ms of wall per item "
        f"(= {(dask_ms - local_ms) * options.workers:+.2f} ms of worker time per item over {options.workers} workers); "
        f"cluster start {cluster_start:.2f} s once"
    )


if __name__ == "__main__":
    main()
