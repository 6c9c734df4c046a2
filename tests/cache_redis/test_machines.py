"""Several machines (TieredCache instances, then processes) on one Redis: tags, statistics, results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

WRITER = """
import sys
from tailor.pipeline.cache import RedisTier, TieredCache
tier = RedisTier(sys.argv[1])
cache = TieredCache(tier.location, tier=tier)
for i in range(3):
    cache.set(f"k{i}", {"i": i}, namespace="ats")
for i in range(5):
    cache.get(f"k{i}", namespace="ats")  # 3 hits, 2 misses
cache.get("absent", namespace="job profile")
# no close(): the atexit flush must put the counts in Redis
"""

READER = """
import json, sys
from tailor.pipeline.cache import RedisTier, TieredCache
tier = RedisTier(sys.argv[1])
with TieredCache(tier.location, tier=tier) as cache:
    print(json.dumps(cache.stats().to_dict()))
"""

STEP = """
import json, sys
from types import SimpleNamespace
import anyio
from tailor.pipeline.cache import RedisTier, StepMemo, TieredCache

url, marker, job = sys.argv[1], sys.argv[2], sys.argv[3]
step = SimpleNamespace(name="ats_before", version="1", ttl=None, cache=True)
resume = {"text": "# Ada Lovelace\\n- Python, Kubernetes\\n", "skills": ["python", "k8s"]}


async def main() -> None:
    tier = RedisTier(url)
    async with TieredCache(tier.location, tier=tier) as cache:
        memo = StepMemo(cache, "provider=local")

        async def compute():
            with open(marker, "a") as fh:
                fh.write(job + "\\n")
            return {"score": 61.5, "job": job}

        inputs = {"resume": resume, "job": job}
        value, status = await memo.get_or_compute(step, inputs, inputs, compute)
        print(json.dumps({"value": value, "status": status}))


anyio.run(main)
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def test_invalidate_on_one_machine_reaches_the_other(make_cache, clock, raw) -> None:
    a, b = make_cache(), make_cache()
    a.set("p1", "profile of R", namespace="profile", tags=["resume:R", "step:profile"])
    a.set("s1", "R vs J", namespace="ats", tags=["resume:R", "job:J"])
    a.set("s2", "Q vs J", namespace="ats", tags=["resume:Q", "job:J"])
    assert raw.smembers(b"tailor:t:job:J") == {b"tailor:e:ats\x1fs1", b"tailor:e:ats\x1fs2"}
    assert b.get("p1", namespace="profile") == "profile of R"  # b now holds it in L1 too

    assert b.invalidate("resume:R") == 2
    assert not raw.exists(b"tailor:t:resume:R")
    clock.advance(1.5)  # past a's sync interval: it sees the generation moved and drops its L1
    assert a.get("p1", namespace="profile") is None
    assert a.get("s1", namespace="ats") is None
    assert a.get("s2", namespace="ats") == "Q vs J"
    assert b.get("p1", namespace="profile") is None

    assert a.invalidate("job:J") == 1  # s1 went already; only s2 is left to drop
    clock.advance(1.5)
    assert b.get("s2", namespace="ats") is None
    assert make_cache().stats().l2.total.entries == 0


@pytest.mark.slow
def test_statistics_live_in_redis_per_namespace_and_another_process_sees_them(redis_url: str, raw) -> None:
    for _ in range(2):
        _run(WRITER, redis_url)
    counters = raw.hgetall(b"tailor:c:ats")
    assert counters[b"l1:hits"] == b"6" and counters[b"l1:misses"] == b"4"
    assert counters[b"l2:misses"] == b"4" and b"l2:hits" not in counters

    stats = json.loads(_run(READER, redis_url).stdout)["tiers"]
    ats = stats["l1"]["namespaces"]["ats"]
    assert (ats["hits"], ats["misses"], ats["hit_rate"]) == (6, 4, 0.6)
    assert stats["l2"]["namespaces"]["ats"]["entries"] == 3
    assert stats["l2"]["namespaces"]["ats"]["misses"] == 4
    assert stats["l2"]["namespaces"]["job profile"]["misses"] == 2


@pytest.mark.slow
def test_one_process_computes_and_the_next_hits_redis(redis_url: str, tmp_path: Path) -> None:
    marker = tmp_path / "computed.txt"
    first = json.loads(_run(STEP, redis_url, str(marker), "Senior Python engineer").stdout)
    second = json.loads(_run(STEP, redis_url, str(marker), "Senior Python engineer").stdout)
    assert first == {"value": {"score": 61.5, "job": "Senior Python engineer"}, "status": "miss"}
    assert second == {"value": first["value"], "status": "l2"}
    other_job = json.loads(_run(STEP, redis_url, str(marker), "Staff nurse, night shifts").stdout)
    assert other_job["status"] == "miss" and other_job["value"]["job"] == "Staff nurse, night shifts"
    assert marker.read_text().splitlines() == ["Senior Python engineer", "Staff nurse, night shifts"]
