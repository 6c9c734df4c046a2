"""Engine benchmarks: per-step overhead, schedules on the tailoring graph, batch_map.

Run: python bench/engine.py  (about a minute; prints medians and ratios from this one run)

Every figure is compared with baselines measured in the same process:
- plain asyncio "start when ready": one task per node awaiting its dependencies' tasks;
- dask's threaded scheduler on the same graph (plain functions only).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tailor.pipeline.engine import Engine, Graph, Step, batch_map  # noqa: E402

N = 1000
REPS = 7


def noop(**_: Any) -> int:
    return 0


async def anoop(**_: Any) -> int:
    return 0


def shape(kind: str) -> dict[str, tuple[str, ...]]:
    """name -> needs for a 1000-node graph."""
    if kind == "wide":
        return {f"s{i}": () for i in range(N)}
    if kind == "chain":
        return {f"s{i}": ((f"s{i - 1}",) if i else ()) for i in range(N)}
    width = 100  # layered: 10 levels of 100, each node needs two of the level before
    deps: dict[str, tuple[str, ...]] = {}
    for i in range(N):
        level, j = divmod(i, width)
        deps[f"s{i}"] = () if level == 0 else (f"s{i - width}", f"s{(level - 1) * width + (j + 1) % width}")
    return deps


def median_time(fn: Callable[[], Any], reps: int = REPS) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def amedian_time(fn: Callable[[], Any], reps: int = REPS) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def plain_asyncio(deps: dict[str, tuple[str, ...]], fn: Callable[..., Any]) -> None:
    """The baseline: each node is a task that awaits its inputs' tasks, then calls fn."""
    is_async = asyncio.iscoroutinefunction(fn)
    tasks: dict[str, asyncio.Task[Any]] = {}

    async def node(inputs: tuple[asyncio.Task[Any], ...]) -> Any:
        for t in inputs:
            await t
        return await fn() if is_async else fn()

    for name, needs in deps.items():
        tasks[name] = asyncio.create_task(node(tuple(tasks[d] for d in needs)))
    await asyncio.gather(*tasks.values())


def dask_threaded(deps: dict[str, tuple[str, ...]]) -> None:
    import dask.threaded

    def call(*_: Any) -> int:
        return 0

    dsk = {name: (call, *needs) for name, needs in deps.items()}
    dask.threaded.get(dsk, list(dsk))


async def bench_overhead() -> None:
    print(f"\n== per-step overhead, {N}-node no-op graphs (median of {REPS}; µs per step) ==")
    print(f"{'shape':8} {'kind':6} {'engine':>8} {'asyncio':>8} {'dask':>8} {'vs asyncio':>11} {'vs dask':>8}")
    engine = Engine()
    for kind in ("wide", "layered", "chain"):
        deps = shape(kind)
        dask_us = median_time(lambda: dask_threaded(deps), reps=3) / N * 1e6
        for label, fn in (("plain", noop), ("async", anoop)):
            graph = Graph([Step(fn=fn, name=n, needs=d) for n, d in deps.items()])
            ours = await amedian_time(lambda: engine.run(graph, {})) / N * 1e6
            base = await amedian_time(lambda: plain_asyncio(deps, fn)) / N * 1e6
            target = 15 if label == "plain" else 25
            flag = "ok" if ours <= target else f"OVER {target}"
            print(f"{kind:8} {label:6} {ours:8.2f} {base:8.2f} {dask_us:8.2f} {ours / base:10.2f}x "
                  f"{ours / dask_us:7.2f}x  target <= {target} µs: {flag}")


def sleeper(name: str, ms: float, needs: tuple[str, ...] = (), **options: Any) -> Step:
    async def body(**_: Any) -> str:
        await asyncio.sleep(ms / 1000)
        return name

    return Step(fn=body, name=name, needs=needs, **options)


def tailoring_graph(unit_ms: float = 10) -> Graph:
    u = unit_ms
    return Graph([
        sleeper("validation", 2 * u, ("resume",)),
        sleeper("ats", 15 * u, ("validation",)),
        sleeper("job_analysis", 15 * u, ("validation",)),
        sleeper("targets", 1 * u, ("ats", "job_analysis")),
        sleeper("tailoring", 30 * u, ("targets",)),
        sleeper("post_scoring", 10 * u, ("tailoring",)),
        sleeper("db_write", 2 * u, ("tailoring",)),
        sleeper("logging", 1 * u, ("post_scoring", "db_write"), background=True),
    ], inputs=["resume"])


async def bench_tailoring(reps: int = 3) -> None:
    print(f"\n== 8-step tailoring graph, unit 10 ms (median of {reps}) ==")
    graph = tailoring_graph()
    cp_ms = 20 + 150 + 10 + 300 + 100
    for mode in ("parallel", "waves", "sequential"):
        walls, reports = [], []
        for _ in range(reps):
            async with Engine() as engine:
                result = await engine.run(graph, {"resume": "r"}, mode=mode)
            walls.append(result.report.wall_ms)
            reports.append(result.report)
        wall = statistics.median(walls)
        r = reports[walls.index(wall)]
        extra = ""
        if mode != "sequential":
            limit = cp_ms * 1.01 + 5
            extra = f"  target <= {limit:.1f} ms: {'ok' if wall <= limit else 'MISSED'}"
        print(f"{mode:10} wall {wall:7.1f} ms  sequential {r.sequential_ms:6.1f}  critical path "
              f"{r.critical_path_ms:6.1f} {'>'.join(r.critical_path)}  speedup {r.speedup:.2f}  "
              f"efficiency {r.efficiency:.2f}  bound {r.bound:.3f}{extra}")
    print("   (background logging, 10 ms, runs outside the schedule: sequential foreground = 750 ms)")


async def bench_waves_lose(reps: int = 3) -> None:
    print(f"\n== where waves lose to eager (median of {reps}) ==")
    graph = Graph([
        sleeper("fast", 10), sleeper("slow", 100),
        sleeper("after_fast", 100, ("fast",)), sleeper("after_slow", 10, ("slow",)),
    ])
    walls = {}
    for mode in ("parallel", "waves"):
        engine = Engine()
        walls[mode] = statistics.median([(await engine.run(graph, {}, mode=mode)).report.wall_ms
                                         for _ in range(reps)])
    print("fast 10 ms -> after_fast 100 ms; slow 100 ms -> after_slow 10 ms (ideal 110 ms)")
    print(f"parallel {walls['parallel']:.1f} ms, waves {walls['waves']:.1f} ms: eager wins by "
          f"{walls['waves'] - walls['parallel']:.1f} ms ({walls['waves'] / walls['parallel']:.2f}x)")


async def afn(x: int) -> int:
    return x


def sfn(x: int) -> int:
    return x


async def drain(n: int, concurrency: int = 8) -> int:
    count = 0
    async for _ in batch_map(afn, (i for i in range(n)), concurrency=concurrency):
        count += 1
    return count


async def bench_batch(n: int = 100_000, reps: int = 3) -> None:
    print(f"\n== batch_map, {n:,} no-op items from a generator, concurrency 8 (median of {reps}) ==")
    ours = await amedian_time(lambda: drain(n), reps) / n * 1e6

    async def bare_loop() -> None:
        for i in (i for i in range(n)):
            await afn(i)

    async def asyncio_pool() -> None:
        # plain asyncio, fixed pool of 8 workers on a shared iterator (no ordering, no results)
        it = iter(range(n))

        async def worker() -> None:
            for i in it:
                await afn(i)

        await asyncio.gather(*(worker() for _ in range(8)))

    async def asyncio_gather_all() -> None:
        # plain asyncio, one task per item behind a semaphore (the naive way)
        sem = asyncio.Semaphore(8)

        async def one(i: int) -> int:
            async with sem:
                return await afn(i)

        await asyncio.gather(*(one(i) for i in range(n)))

    bare = await amedian_time(bare_loop, reps) / n * 1e6
    pool = await amedian_time(asyncio_pool, reps) / n * 1e6
    gather = await amedian_time(asyncio_gather_all, 1) / n * 1e6

    import dask.bag as db

    dask_us = median_time(lambda: db.from_sequence(range(n), npartitions=8).map(sfn).compute(
        scheduler="threads"), 1) / n * 1e6
    print(f"batch_map          {ours:6.2f} µs/item  (scheduling overhead over a bare await loop: "
          f"{ours - bare:.2f} µs; target <= 2 µs: {'ok' if ours - bare <= 2 else 'OVER'})")
    print(f"bare await loop    {bare:6.2f} µs/item")
    print(f"asyncio 8-worker pool, unordered, no results {pool:6.2f} µs/item -> batch_map {ours / pool:.2f}x")
    print(f"asyncio task per item + semaphore {gather:6.2f} µs/item -> batch_map {ours / gather:.2f}x")
    print(f"dask bag threads   {dask_us:6.2f} µs/item -> batch_map {ours / dask_us:.2f}x")

    peaks = {}
    for size in (10_000, 100_000):
        tracemalloc.start()
        await drain(size)
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"tracemalloc peak: 10k items {peaks[10_000] / 1024:.0f} KiB, 100k items "
          f"{peaks[100_000] / 1024:.0f} KiB (ratio {peaks[100_000] / peaks[10_000]:.2f})")


async def main() -> None:
    print(f"python {sys.version.split()[0]}, {len(__import__('os').sched_getaffinity(0))} cores")
    await bench_overhead()
    await bench_tailoring()
    await bench_waves_lose()
    await bench_batch()


if __name__ == "__main__":
    asyncio.run(main())
