"""The cache a process uses, as the settings describe it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.cache import StepMemo, TieredCache


def open_cache(settings: Settings, *, warn: Callable[[str], None] | None = None) -> TieredCache:
    """The process's cache as the settings describe it.

    L2 is Redis when ``cache.redis_url`` (TAILOR_REDIS_URL) names a server, else
    diskcache in the owner-only cache folder. A Redis that cannot be used
    (client missing, bad url, server down) leaves the cache memory-only with a
    warning: a cache never fails a run.
    """
    from tailor.pipeline.cache import RedisTier, TieredCache
    from tailor.pipeline.errors import CacheError

    options: dict[str, Any] = {
        "max_entries": settings.cache.l1_max_entries,
        "compress_over": settings.cache.compress_threshold_bytes,
        "warn": warn,
    }
    url = settings.cache.redis_url
    if not url:
        return TieredCache(settings.cache_dir, trust_folder=settings.cache.trust_folder, **options)
    try:
        tier = RedisTier(url)
    except CacheError as exc:
        cache = TieredCache(None, **options)
        cache.warn_once("l2", f"{exc}; caching in memory only")
        return cache
    # With a tier given, the first argument only labels it (stats show where L2 lives).
    return TieredCache(tier.location, tier=tier, **options)


def step_memo(settings: Settings, cache: TieredCache) -> StepMemo:
    """Step memoization as the settings describe it: fresh for stale_after, then served stale until ttl."""
    from tailor.pipeline.cache import StepMemo

    return StepMemo(
        cache,
        settings.fingerprint(),
        default_ttl=settings.cache.stale_after_seconds,
        grace=settings.cache.ttl_seconds - settings.cache.stale_after_seconds,
    )
