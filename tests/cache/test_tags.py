from __future__ import annotations


def test_invalidate_cascades_across_namespaces_and_tiers(make_cache) -> None:
    cache = make_cache()
    resume = "resume:aaa"
    cache.set("p", "profile", namespace="resume_profile", tags=[resume, "step:resume_profile"])
    cache.set("s", 61.0, namespace="ats_before", tags=[resume, "job:j1", "step:ats_before"])
    cache.set("j", "job profile", namespace="job_profile", tags=["job:j1", "step:job_profile"])
    reader = make_cache()  # a second instance on the folder, L1 filled before the invalidation
    assert reader.get("p", namespace="resume_profile") == "profile"

    assert cache.invalidate(resume) == 2

    assert cache.get("p", namespace="resume_profile") is None  # L1 of the invalidating instance
    assert cache.get("s", namespace="ats_before") is None
    assert cache.get("j", namespace="job_profile") == "job profile"  # no shared tag: kept
    fresh = make_cache()
    assert fresh.get("p", namespace="resume_profile") is None  # L2
    assert fresh.get("s", namespace="ats_before") is None
    assert fresh.get("j", namespace="job_profile") == "job profile"


def test_other_instance_drops_its_l1_after_sync_interval(make_cache, clock) -> None:
    writer = make_cache()
    reader = make_cache(sync_interval=1.0)
    writer.set("k", "v", tags=["t"])
    assert reader.lookup("k") == ("v", "l2")
    writer.invalidate("t")
    assert reader.lookup("k") == ("v", "l1")  # within the sync interval L1 may lag
    clock.advance(1.5)
    assert reader.lookup("k") is None


def test_invalidate_unknown_tag_is_harmless(make_cache) -> None:
    cache = make_cache()
    cache.set("k", 1, tags=["a"])
    assert cache.invalidate("never-used") == 0
    assert cache.get("k") == 1


def test_reset_entry_after_invalidation_gets_new_tags(make_cache) -> None:
    cache = make_cache()
    cache.set("k", 1, tags=["a"])
    cache.invalidate("a")
    cache.set("k", 2, tags=["b"])
    assert cache.invalidate("a") == 0
    assert make_cache().get("k") == 2
    assert cache.invalidate("b") == 1
    assert make_cache().get("k") is None
