"""The worker pool on real processes: chunks stream back, a crash fails only what was in flight."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tailor.pipeline.batch._pool import ChunkPool
from tests.batch._crashy import double_or_die, slow_double


def drain(pool: ChunkPool, chunks: list[list[int]]) -> list[tuple[list[int], object]]:
    results = []
    pending = list(chunks)
    while pending or pool.in_flight:
        while pending and not pool.full:
            pool.submit(pending.pop(0))
        results.extend(pool.completed(1.0))
    return results


def test_a_crashed_worker_fails_only_the_chunks_in_flight_and_a_new_pool_goes_on() -> None:
    chunks = [[1, 2], [3, 4], [5, -1], [6, 7], [8, 9], [10, 11], [12, 13], [14, 15]]
    with ChunkPool(double_or_die, workers=2, max_in_flight=2) as pool:
        results = drain(pool, chunks)
        assert pool.restarts == 1
    by_chunk = {tuple(chunk): result for chunk, result in results}
    assert set(by_chunk) == {tuple(c) for c in chunks}  # every chunk is answered, once
    assert isinstance(by_chunk[(5, -1)], BrokenProcessPool)
    lost = {chunk for chunk, result in by_chunk.items() if isinstance(result, BaseException)}
    # Only the chunks in flight with the crash are lost: the crashing one and at most one other
    # (which one depends on how fast the pool notices the death, so any neighbour may share it).
    assert lost - {(5, -1)} <= {(3, 4), (6, 7), (8, 9)} and len(lost) <= 2
    # Everything submitted once the new pool is up succeeds.
    for chunk in [(10, 11), (12, 13), (14, 15)]:
        assert by_chunk[chunk] == [2 * n for n in chunk]


def test_stop_cancels_queued_chunks_and_workers_stop_between_items() -> None:
    chunks = [list(range(i, i + 10)) for i in range(0, 60, 10)]
    with ChunkPool(slow_double, workers=1, max_in_flight=6) as pool:
        for chunk in chunks:
            pool.submit(chunk)
        first = pool.completed(10.0)  # the first chunk has finished (0.5 s of work)
        pool.stop()
        rest = []
        while pool.in_flight:
            rest.extend(pool.completed(5.0))
    results = first + rest
    assert len(results) == 6
    assert first[0][1] == [2 * n for n in first[0][0]]
    cancelled = [r for _, r in results if isinstance(r, CancelledError)]
    partial = [r for _, r in results if isinstance(r, list) and None in r]
    assert cancelled  # queued chunks never started
    for r in partial:  # a started chunk stopped between items: done ones kept, the rest marked
        assert r == sorted(r, key=lambda v: v is None)


def test_workers_never_run_the_parent_script_again(tmp_path: Path) -> None:
    # Issue 16: under the `tailor` console script each worker re-ran the script as `__mp_main__`
    # (multiprocessing sends it __main__'s path), importing the CLI once per worker. The script
    # here leaves a mark each time its top level runs: only the parent's run may leave one.
    script = tmp_path / "console_script.py"
    script.write_text(
        "import os, sys\n"
        f"open(os.path.join({str(tmp_path)!r}, f'ran-{{os.getpid()}}-{{__name__}}'), 'w').close()\n"
        "if __name__ == '__main__':\n"
        "    from tailor.pipeline.batch._pool import ChunkPool\n"
        "    with ChunkPool(sorted, workers=2, max_in_flight=2) as pool:\n"
        "        pool.submit([3, 1, 2]); pool.submit([9, 8])\n"
        "        done = []\n"
        "        while pool.in_flight:\n"
        "            done += pool.completed(5.0)\n"
        "    print(sorted(result for _, result in done))\n"
        "    print(hasattr(sys.modules['__main__'], '__file__'))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False,
                          env=os.environ.copy(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[[1, 2, 3], [8, 9]]", "True"]  # the work ran; __file__ is back
    marks = sorted(p.name.split("-", 2)[2] for p in tmp_path.glob("ran-*"))
    assert marks == ["__main__"], marks  # before: one `__mp_main__` mark per worker as well
