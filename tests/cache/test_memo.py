from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, ConfigDict

from tailor.pipeline.cache import StepMemo, tag_for

pytestmark = pytest.mark.anyio


class Doc(BaseModel):
    model_config = ConfigDict(frozen=True)
    path: str
    text: str


def step(name: str = "ats_before", version: str = "1", ttl: object = None, cache: bool = True) -> SimpleNamespace:
    return SimpleNamespace(name=name, version=version, ttl=ttl, cache=cache)


RESUME = Doc(path="r.md", text="# Ada\n- Python, Kubernetes\n")
JOB = Doc(path="j.md", text="Senior Python engineer")


def counter(result: object) -> tuple[list[int], object]:
    calls: list[int] = []

    async def compute() -> object:
        calls.append(1)
        return result

    return calls, compute


async def test_miss_then_l1_then_l2_from_new_instance(make_cache) -> None:
    memo = StepMemo(make_cache(), "provider=local;mode=full")
    calls, compute = counter({"score": 61.0})
    inputs = {"resume": RESUME, "job": JOB}
    roots = {"resume": RESUME, "job": JOB}
    assert await memo.get_or_compute(step(), inputs, roots, compute) == ({"score": 61.0}, "miss")
    assert await memo.get_or_compute(step(), inputs, roots, compute) == ({"score": 61.0}, "l1")
    other = StepMemo(make_cache(), "provider=local;mode=full")
    value, status = await other.get_or_compute(step(), dict(inputs), roots, compute)
    assert (value, status) == ({"score": 61.0}, "l2")
    assert len(calls) == 1
    assert "ats_before" in other.cache.stats().l2.namespaces


async def test_equal_inputs_from_other_objects_hit(make_cache) -> None:
    memo = StepMemo(make_cache(), "fp")
    calls, compute = counter(1)
    await memo.get_or_compute(step(), {"resume": RESUME}, {}, compute)
    copy = Doc(path="r.md", text="# Ada\n- Python, Kubernetes\n")
    assert (await memo.get_or_compute(step(), {"resume": copy}, {}, compute))[1] == "l1"
    assert len(calls) == 1


async def test_key_changes_with_fingerprint_version_inputs_and_name(make_cache) -> None:
    cache = make_cache()
    memo = StepMemo(cache, "fp1")
    base = memo.key_for(step(), {"resume": RESUME, "job": JOB})
    assert memo.key_for(step(), {"job": JOB, "resume": RESUME}) == base  # order does not matter
    assert StepMemo(cache, "fp2").key_for(step(), {"resume": RESUME, "job": JOB}) != base
    assert memo.key_for(step(version="2"), {"resume": RESUME, "job": JOB}) != base
    assert memo.key_for(step(name="ats_after"), {"resume": RESUME, "job": JOB}) != base
    changed = Doc(path="r.md", text=RESUME.text + " ")
    assert memo.key_for(step(), {"resume": changed, "job": JOB}) != base
    assert memo.key_for(step(), {"cv": RESUME, "job": JOB}) != base  # input names count


async def test_new_job_keeps_resume_side_hits(make_cache) -> None:
    memo = StepMemo(make_cache(), "fp")
    calls, compute = counter("profile")
    await memo.get_or_compute(step("resume_profile"), {"resume": RESUME}, {"resume": RESUME, "job": JOB}, compute)
    other_job = Doc(path="j2.md", text="Data engineer")
    _, status = await memo.get_or_compute(
        step("resume_profile"), {"resume": RESUME}, {"resume": RESUME, "job": other_job}, compute
    )
    assert status == "l1" and len(calls) == 1


async def test_invalidating_a_root_tag_drops_its_steps(make_cache) -> None:
    cache = make_cache()
    memo = StepMemo(cache, "fp")
    roots = {"resume": RESUME, "job": JOB}
    for name in ("resume_profile", "ats_before"):
        _, compute = counter(name)
        await memo.get_or_compute(step(name), {"resume": RESUME}, roots, compute)
    _, compute = counter("job_profile")
    await memo.get_or_compute(step("job_profile"), {"job": JOB}, {"job": JOB}, compute)
    assert cache.invalidate(tag_for("resume", RESUME)) == 2
    calls, compute = counter("x")
    assert (await memo.get_or_compute(step("ats_before"), {"resume": RESUME}, roots, compute))[1] == "miss"
    assert (await memo.get_or_compute(step("job_profile"), {"job": JOB}, {"job": JOB}, compute))[1] == "l1"
    assert cache.invalidate("step:ats_before") == 1


async def test_dynamic_ttl_from_step(make_cache, clock) -> None:
    memo = StepMemo(make_cache(grace_ratio=0.0), "fp")
    s = step(ttl=lambda result: result["score"])
    _, compute = counter({"score": 30.0})
    await memo.get_or_compute(s, {"resume": RESUME}, {}, compute)
    clock.advance(29)
    assert (await memo.get_or_compute(s, {"resume": RESUME}, {}, compute))[1] == "l1"
    clock.advance(2)
    assert (await memo.get_or_compute(s, {"resume": RESUME}, {}, compute))[1] == "miss"


async def test_uncached_step_and_unhashable_inputs_compute_every_time(make_cache, warnings_seen) -> None:
    memo = StepMemo(make_cache(), "fp")
    calls, compute = counter(5)
    for _ in range(2):
        assert await memo.get_or_compute(step(cache=False), {"resume": RESUME}, {}, compute) == (5, "miss")
    lock = threading.Lock()  # has no content to hash
    for _ in range(2):
        assert await memo.get_or_compute(step("odd"), {"lock": lock}, {}, compute) == (5, "miss")
    assert len(calls) == 4
    assert len([w for w in warnings_seen if "odd" in w]) == 1


async def test_concurrent_identical_steps_compute_once(make_cache) -> None:
    memo = StepMemo(make_cache(), "fp")
    calls: list[int] = []

    async def compute() -> str:
        calls.append(1)
        await asyncio.sleep(0.01)
        return "done"

    results = await asyncio.gather(
        *(memo.get_or_compute(step(), {"resume": RESUME}, {}, compute) for _ in range(20))
    )
    assert results == [("done", "miss")] * 20 and len(calls) == 1


async def test_default_ttl_and_grace_apply_to_steps_without_a_ttl(make_cache, clock) -> None:
    memo = StepMemo(make_cache(), "fp", default_ttl=10.0, grace=5.0)
    _, compute = counter(1)
    await memo.get_or_compute(step(), {"resume": RESUME}, {}, compute)
    clock.advance(9)
    assert (await memo.get_or_compute(step(), {"resume": RESUME}, {}, compute))[1] == "l1"
    clock.advance(3)  # past the fresh 10 s, within the 5 s grace: served stale
    assert (await memo.get_or_compute(step(), {"resume": RESUME}, {}, compute))[1] == "stale"
    await memo.cache.drain()
    clock.advance(20)  # the background refresh restarted the clock; past its ttl + grace it is a miss
    assert (await memo.get_or_compute(step(), {"resume": RESUME}, {}, compute))[1] == "miss"


async def test_a_result_read_back_from_l2_keys_its_dependents_without_being_hashed_again(make_cache, monkeypatch) -> None:
    from tailor.pipeline.cache import keys

    first = StepMemo(make_cache(), "fp")
    _, compute = counter(Doc(path="p", text="profile of Ada"))
    profile, _ = await first.get_or_compute(step("resume_profile"), {"resume": RESUME}, {}, compute)
    key_before = first.key_for(step("ats_before"), {"resume_profile": profile})

    walked: list[object] = []
    original = keys.ContentHasher._fields_digest
    monkeypatch.setattr(keys.ContentHasher, "_fields_digest", lambda self, value: walked.append(value) or original(self, value))
    second = StepMemo(make_cache(), "fp")  # another process: nothing in its L1
    probe = second.probe(step("resume_profile"), {"resume": RESUME})
    assert probe.status == "l2" and probe.value == profile and probe.value is not profile
    walked.clear()
    assert second.key_for(step("ats_before"), {"resume_profile": probe.value}) == key_before
    assert walked == []  # its digest came back with it from the cache


async def test_a_dynamic_ttl_sees_the_result_not_the_stored_record(make_cache, clock) -> None:
    memo = StepMemo(make_cache(grace_ratio=0.0), "fp")
    seen: list[object] = []
    s = step(ttl=lambda result: seen.append(result) or 60.0)
    _, compute = counter({"score": 61.0})
    await memo.get_or_compute(s, {"resume": RESUME}, {}, compute)
    assert seen == [{"score": 61.0}]
