"""TieredCache: L1 live objects in memory over an L2 shared tier (diskcache by default).

Reads and writes are synchronous: a diskcache hit is ~24 us, cheaper than the
100-150 us a worker-thread hop would add, so async callers call them inline.
``get_or_compute`` is async and coalesces concurrent misses on one key.

Use one instance from one thread (the event loop's); processes share the L2
folder safely. Values handed out are the cached objects themselves: treat
them as immutable.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tailor.pipeline.cache import _codec
from tailor.pipeline.cache._disk import DiskTier
from tailor.pipeline.cache._entry import FOREVER, Entry, Lookup
from tailor.pipeline.cache._l1 import MemoryTier
from tailor.pipeline.cache._stats import COUNTER_FIELDS, CacheStats, build_tier
from tailor.pipeline.cache._tier import Tier
from tailor.pipeline.engine.coalesce import SingleFlight
from tailor.pipeline.engine.graph import TTL
from tailor.pipeline.engine.report import CacheStatus
from tailor.pipeline.errors import CacheError

DEFAULT_NAMESPACE = "default"

_log = logging.getLogger("tailor.cache")

# Indexes into the per-namespace counter lists (see _stats.COUNTER_FIELDS).
_L1_HIT, _L1_MISS, _L1_STALE, _L2_HIT, _L2_MISS, _L2_STALE = range(6)


class TieredCache:
    """Two-tier cache with TTL, stale-while-revalidate, tags and persistent statistics.

    ``directory`` names the L2 folder (created 0o700); ``tier`` passes another
    L2 (e.g. Redis) instead; with neither the cache is memory-only. A folder
    that cannot be created or opened degrades the cache to memory-only with a
    warning. ``clock`` is wall-clock seconds (expiries are shared between
    processes). ``grace_ratio``: an entry with lifetime ``ttl`` is served stale
    (and refreshed in the background) for ``ttl * grace_ratio`` more seconds.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        tier: Tier | None = None,
        max_entries: int = 4096,
        max_bytes: int = 256 * 1024 * 1024,
        compress_over: int = 4096,
        min_saving: float = 0.2,
        grace_ratio: float = 0.5,
        size_limit: int = 2**30,
        trust_folder: bool = False,
        sync_interval: float = 1.0,
        clock: Callable[[], float] = time.time,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.directory = None if directory is None else os.fspath(directory)
        self._warn_fn = warn or _log.warning
        self._warned: set[str] = set()
        self._clock = clock
        self._l1 = MemoryTier(max_entries, max_bytes)
        self._l1_data = self._l1.data  # read directly on the hit path: one call fewer
        self._compress_over = compress_over
        self._min_saving = min_saving
        self._grace_ratio = grace_ratio
        self._sync_interval = sync_interval
        self._flight = SingleFlight()
        self._refreshing: set[tuple[str, str]] = set()
        self._background: set[asyncio.Task[Any]] = set()
        self._counts: dict[str, list[int]] = {}
        self._local: dict[tuple[str, str, str], int] = {}  # counts that had no L2 to go to
        self.counted: dict[tuple[str, str, str], int] = {}  # every count this process flushed (a run's record replays them)
        self._l2: Tier | None = tier
        if tier is None and directory is not None:
            try:
                self._l2 = DiskTier(directory, warn=self._warn_fn, size_limit=size_limit, trust_folder=trust_folder)
            except CacheError as exc:
                self._warn_fn(f"{exc}; caching in memory only")
        self._generation = self._read_generation()
        self._next_sync = clock() + sync_interval
        ref = weakref.ref(self)

        def flush_at_exit() -> None:
            cache = ref()
            if cache is not None:
                cache.flush()

        self._atexit = flush_at_exit
        atexit.register(flush_at_exit)

    # -- reads ---------------------------------------------------------------

    def lookup(self, key: str, *, namespace: str = DEFAULT_NAMESPACE) -> Lookup | None:
        """The value and its status ("l1", "l2" or "stale"), or None on a miss."""
        now = self._clock()
        if now >= self._next_sync:
            self._maintain(now)
        counts = self._counts.get(namespace) or self._new_counts(namespace)
        k = (namespace, key)
        entry = self._l1_data.get(k)
        if entry is not None:
            if now < entry.soft_expiry:
                self._l1_data.move_to_end(k)
                counts[_L1_HIT] += 1
                return entry.fresh_hit
            if now < entry.hard_expiry:
                self._l1_data.move_to_end(k)
                counts[_L1_HIT] += 1
                counts[_L1_STALE] += 1
                return entry.stale_hit
            self._l1.delete(k)
        counts[_L1_MISS] += 1
        if self._l2 is None:
            return None
        entry = self._read_l2(namespace, key, now)
        if entry is None:
            counts[_L2_MISS] += 1
            return None
        self._l1.set(k, entry)
        counts[_L2_HIT] += 1
        if now < entry.soft_expiry:
            return tuple.__new__(Lookup, (entry.value, CacheStatus.L2))  # NamedTuple's __new__ costs a Python call
        counts[_L2_STALE] += 1
        return entry.stale_hit

    def get(self, key: str, default: Any = None, *, namespace: str = DEFAULT_NAMESPACE) -> Any:
        """The cached value (fresh or stale), or ``default``."""
        found = self.lookup(key, namespace=namespace)
        return default if found is None else found.value

    def _read_l2(self, namespace: str, key: str, now: float) -> Entry | None:
        assert self._l2 is not None
        try:
            blob = self._l2.get(namespace, key)
        except CacheError as exc:
            self._l2_failed(exc)
            return None
        if blob is None:
            return None
        try:
            entry = _codec.decode(blob, namespace)
        except CacheError as exc:
            # A damaged value is a miss, never a wrong result; drop it so it is rebuilt. One an
            # older tailor wrote (a format no longer read) is dropped without a word.
            if not isinstance(exc, _codec.OlderEntry):
                self.warn_once("decode", f"{exc} ({namespace}/{key}); dropped")
            self._drop_l2(namespace, key)
            return None
        if now >= entry.hard_expiry:
            return None
        return entry

    # -- writes --------------------------------------------------------------

    def set(
        self,
        key: str,
        value: Any,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        ttl: TTL = None,
        grace: float | None = None,
        tags: Iterable[str] = (),
    ) -> None:
        """Store ``value`` in both tiers.

        ``ttl``: seconds fresh (None = forever) or a function of the value giving
        them. ``grace``: seconds served stale after that (default ttl * grace_ratio).
        ``tags``: names that ``invalidate`` can later drop this entry by.
        """
        now = self._clock()
        soft, hard = self._expiries(now, ttl(value) if callable(ttl) else ttl, grace)
        if hard <= now:
            return
        tags = tuple(tags)
        for tag in tags:
            if "\x1f" in tag:
                raise ValueError(f"cache tag may not contain \\x1f: {tag!r}")
        try:
            raw = _codec.dumps(value)
        except CacheError as exc:
            self.warn_once(f"codec:{namespace}", f"{exc}; {namespace} is cached in memory only")
            self._l1.set((namespace, key), Entry(value, now, soft, hard, tags, namespace, 0, 0))
            return
        entry = Entry(value, now, soft, hard, tags, namespace, len(raw), len(raw))
        if self._l2 is not None:
            blob = _codec.encode(entry, raw, compress_over=self._compress_over, min_saving=self._min_saving)
            try:
                self._l2.set(namespace, key, blob, expire=None if hard == FOREVER else hard - now, tags=tags)
            except CacheError as exc:
                self._l2_failed(exc)
        self._l1.set((namespace, key), entry)

    def _expiries(self, now: float, seconds: float | None, grace: float | None) -> tuple[float, float]:
        if seconds is None:
            return FOREVER, FOREVER
        seconds = max(0.0, float(seconds))
        extra = seconds * self._grace_ratio if grace is None else max(0.0, float(grace))
        return now + seconds, now + seconds + extra

    def delete(self, key: str, *, namespace: str = DEFAULT_NAMESPACE) -> bool:
        """Drop one entry from both tiers; True if either held it."""
        dropped = self._l1.delete((namespace, key))
        return self._drop_l2(namespace, key) or dropped

    def _drop_l2(self, namespace: str, key: str) -> bool:
        if self._l2 is None:
            return False
        try:
            return self._l2.delete(namespace, key)
        except CacheError as exc:
            self._l2_failed(exc)
            return False

    # -- compute -------------------------------------------------------------

    async def get_or_compute(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        *,
        namespace: str = DEFAULT_NAMESPACE,
        ttl: TTL = None,
        grace: float | None = None,
        tags: Iterable[str] = (),
    ) -> Lookup:
        """The cached value, or ``await compute()`` stored and returned (status "miss").

        Concurrent misses on one key compute once. A stale hit is returned at
        once and refreshed by a background task (see ``drain``). An exception
        from ``compute`` reaches every waiter and nothing is stored.
        """
        found = self.lookup(key, namespace=namespace)
        if found is not None:
            if found.status is CacheStatus.STALE:
                self.refresh(key, compute, namespace=namespace, ttl=ttl, grace=grace, tags=tags)
            return found
        return Lookup(await self.fill(key, compute, namespace=namespace, ttl=ttl, grace=grace, tags=tags), CacheStatus.MISS)

    async def fill(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        *,
        namespace: str = DEFAULT_NAMESPACE,
        ttl: TTL = None,
        grace: float | None = None,
        tags: Iterable[str] = (),
    ) -> Any:
        """``await compute()``, stored and returned: the miss half of ``get_or_compute``.

        For callers that looked up ``key`` themselves (and found nothing); concurrent
        fills of one key compute once.
        """
        tags = tuple(tags)
        return await self._flight.do(
            (namespace, key), lambda: self._compute_and_store(key, compute, namespace, ttl, grace, tags)
        )

    async def _compute_and_store(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        namespace: str,
        ttl: TTL,
        grace: float | None,
        tags: tuple[str, ...],
    ) -> Any:
        value = await compute()
        self.set(key, value, namespace=namespace, ttl=ttl, grace=grace, tags=tags)
        return value

    def refresh(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        *,
        namespace: str = DEFAULT_NAMESPACE,
        ttl: TTL = None,
        grace: float | None = None,
        tags: Iterable[str] = (),
    ) -> None:
        """Recompute ``key`` in a background task (once at a time): the stale half of ``get_or_compute``."""
        tags = tuple(tags)
        flight_key = (namespace, key)
        if flight_key in self._refreshing:
            return
        self._refreshing.add(flight_key)

        async def refresh() -> None:
            try:
                await self._flight.do(
                    flight_key, lambda: self._compute_and_store(key, compute, namespace, ttl, grace, tags)
                )
            except Exception as exc:  # the stale value stays until its hard expiry
                self.warn_once(f"refresh:{namespace}", f"background refresh of {namespace}/{key} failed: {exc!r}")
            finally:
                self._refreshing.discard(flight_key)

        task = asyncio.ensure_future(refresh())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for the background refreshes started so far."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # -- invalidation --------------------------------------------------------

    def invalidate(self, tag: str) -> int:
        """Drop every entry carrying ``tag`` from both tiers (every namespace); the count dropped."""
        dropped = self._l1.delete_where(lambda _k, entry: tag in entry.tags)
        if self._l2 is not None:
            try:
                dropped = max(dropped, self._l2.delete_tag(tag))
            except CacheError as exc:
                self._l2_failed(exc)
            self._after_own_bump()
        return dropped

    def clear(self, namespace: str | None = None) -> int:
        """Drop every entry (of ``namespace`` only, if given); statistics history stays."""
        if namespace is None:
            dropped = len(self._l1)
            self._l1.clear()
        else:
            dropped = self._l1.delete_where(lambda _k, entry: entry.namespace == namespace)
        if self._l2 is not None:
            try:
                dropped = max(dropped, self._l2.clear(namespace))
            except CacheError as exc:
                self._l2_failed(exc)
            self._after_own_bump()
        return dropped

    def reset_stats(self) -> None:
        """Forget the hit/miss history of every process (entries stay)."""
        self._counts.clear()
        self._local.clear()
        if self._l2 is not None:
            try:
                self._l2.reset_counters()
            except CacheError as exc:
                self._l2_failed(exc)

    def _read_generation(self) -> int:
        if self._l2 is None:
            return 0
        try:
            return self._l2.generation()
        except CacheError as exc:
            self._l2_failed(exc)
            return 0

    def _after_own_bump(self) -> None:
        # Adopt the new generation only if no other process bumped it meanwhile;
        # otherwise the next sync clears L1 and catches their invalidation too.
        current = self._read_generation()
        if current == self._generation + 1:
            self._generation = current

    def _maintain(self, now: float) -> None:
        """Flush counts; drop L1 if another process invalidated since we last looked."""
        self._next_sync = now + self._sync_interval
        self.flush()
        current = self._read_generation()
        if current != self._generation:
            self._generation = current
            self._l1.clear()

    # -- statistics ----------------------------------------------------------

    def _new_counts(self, namespace: str) -> list[int]:
        counts = self._counts[namespace] = [0] * len(COUNTER_FIELDS)
        return counts

    def flush(self) -> None:
        """Write pending hit/miss counts to L2 (also done every ``sync_interval``, on close and at exit)."""
        deltas: dict[tuple[str, str, str], int] = {}
        for namespace, counts in self._counts.items():
            for i, (tier, name) in enumerate(COUNTER_FIELDS):
                if counts[i]:
                    deltas[(tier, namespace, name)] = counts[i]
                    counts[i] = 0
        if not deltas:
            return
        for k, n in deltas.items():
            self.counted[k] = self.counted.get(k, 0) + n
        if self._l2 is not None:
            try:
                self._l2.add_counters(deltas)
                return
            except CacheError as exc:
                self._l2_failed(exc)
        for k, n in deltas.items():
            self._local[k] = self._local.get(k, 0) + n

    def stats(self) -> CacheStats:
        """Hit/miss history (every process's, via L2) and current contents, per tier and namespace."""
        self.flush()
        counters = dict(self._local)
        l2_contents: dict[str, tuple[int, int, int]] = {}
        if self._l2 is not None:
            try:
                for k, n in self._l2.counters().items():
                    counters[k] = counters.get(k, 0) + n
                for stored in self._l2.scan():
                    try:
                        raw = _codec.raw_size_of(stored.head)
                    except CacheError:
                        continue  # an undecodable entry is not content; a read will drop it
                    entries, raw_total, stored_total = l2_contents.get(stored.namespace, (0, 0, 0))
                    l2_contents[stored.namespace] = (entries + 1, raw_total + raw, stored_total + stored.stored_size)
            except CacheError as exc:
                self._l2_failed(exc)
        l1_contents: dict[str, tuple[int, int, int]] = {}
        for _k, entry in self._l1.items():
            entries, raw_total, stored_total = l1_contents.get(entry.namespace, (0, 0, 0))
            l1_contents[entry.namespace] = (entries + 1, raw_total + entry.raw_size, stored_total + entry.raw_size)
        return CacheStats(
            directory=self.directory if self._l2 is not None else None,
            l1=build_tier("l1", True, counters, l1_contents),
            l2=build_tier("l2", self._l2 is not None, counters, l2_contents),
        )

    # -- failures and lifecycle ----------------------------------------------

    def warn_once(self, kind: str, message: str) -> None:
        """Report ``message`` unless a warning of this ``kind`` was already given."""
        if kind not in self._warned:
            self._warned.add(kind)
            self._warn_fn(message)

    def _l2_failed(self, exc: CacheError) -> None:
        tier = self._l2
        if tier is not None and tier.broken:
            self._l2 = None
            self._warn_fn(f"{exc}; caching in memory only")
        else:
            self.warn_once("l2", f"{exc}; this lookup went without the shared cache")

    @property
    def shared(self) -> bool:
        """True while the L2 tier is in use (False: memory only)."""
        return self._l2 is not None

    def close(self) -> None:
        """Flush statistics and close L2; the L1 stays usable."""
        self.flush()
        atexit.unregister(self._atexit)
        if self._l2 is not None:
            self._l2.close()
            self._l2 = None

    async def aclose(self) -> None:
        """Wait for background refreshes, then ``close``."""
        await self.drain()
        self.close()

    def __enter__(self) -> TieredCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> TieredCache:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
