from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WRITER = """
import sys
from tailor.pipeline.cache import TieredCache
cache = TieredCache(sys.argv[1])
for i in range(3):
    cache.set(f"k{i}", {"i": i}, namespace="ats")
for i in range(5):
    cache.get(f"k{i}", namespace="ats")  # 3 hits, 2 misses; no close(): the atexit flush must persist them
"""

WORKER = """
import sys
from tailor.pipeline.cache import TieredCache
folder, me, other = sys.argv[1], sys.argv[2], sys.argv[3]
cache = TieredCache(folder, max_entries=8)
seen_other = 0
for i in range(150):
    cache.set(f"{me}-{i}", [me, i, "x" * (i * 50)], namespace=me, tags=[f"owner:{me}", "shared"])
    cache.set(f"common-{i % 10}", ["common", i % 10], namespace="common")
    got = cache.get(f"{other}-{i}", namespace=other)
    if got is not None:
        assert got == [other, i, "x" * (i * 50)], got
        seen_other += 1
    assert cache.get(f"common-{i % 10}", namespace="common") == ["common", i % 10]
cache.close()
print(seen_other)
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_statistics_survive_the_process(tmp_path: Path, make_cache) -> None:
    folder = tmp_path / "cache"
    for _ in range(2):
        done = _run(WRITER, str(folder))
        assert done.returncode == 0, done.stderr
    stats = make_cache(folder).stats()
    ats = stats.l1.namespaces["ats"]
    assert (ats.hits, ats.misses) == (6, 4)  # two processes' history accumulated
    assert stats.l2.namespaces["ats"].misses == 4
    assert stats.l2.namespaces["ats"].entries == 3
    assert stats.to_dict()["tiers"]["l1"]["namespaces"]["ats"]["hit_rate"] == 0.6


def test_two_processes_share_one_folder_at_once(tmp_path: Path, make_cache) -> None:
    folder = str(tmp_path / "cache")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, folder, me, other],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other in (("alpha", "beta"), ("beta", "alpha"))
    ]
    outputs = [p.communicate(timeout=90) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    reader = make_cache(folder)
    for me in ("alpha", "beta"):
        for i in range(150):
            assert reader.get(f"{me}-{i}", namespace=me) == [me, i, "x" * (i * 50)]
    assert reader.invalidate("shared") == 300
    assert reader.stats().l2.total.entries == 10  # only the common entries remain
