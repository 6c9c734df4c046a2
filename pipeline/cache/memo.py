"""Step memoization: the engine's StepCache over a TieredCache.

key = BLAKE2b(step name, step version, settings fingerprint, content hashes
of the step's direct inputs); namespace = step name; tags = ``step:<name>``
and ``tag_for(root, value)`` for every run input the step derives from, so
``cache.invalidate(tag_for("resume", doc))`` drops all results of one resume.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from tailor.pipeline.cache.keys import ContentHasher
from tailor.pipeline.cache.tiered import TieredCache
from tailor.pipeline.engine.report import FRESH_HITS, CacheStatus

if TYPE_CHECKING:
    from tailor.pipeline.engine.graph import Step


class Probe(NamedTuple):
    """What a step's cache lookup found: ``status`` "l1", "l2", "stale", "miss" or "off" (not cacheable)."""

    key: str | None
    value: Any
    status: CacheStatus


_OFF = Probe(None, None, CacheStatus.OFF)

# Part of every key: bump it when what the memo stores changes shape, so old entries stop matching.
_FORMAT = b"memo/2"


class Memoized(NamedTuple):
    """What the memo stores: a step's result and the content digest of it.

    A result read back (from L2 above all: a new object each time) would otherwise be
    hashed again, by walking it, to key every step that takes it as input.
    """

    value: Any
    digest: bytes | None


class StepMemo:
    """Caches step results in ``cache``; ``fingerprint`` names the settings that affect results.

    The engine calls ``probe`` synchronously (a fresh hit then costs no task at all) and
    ``fill`` on a miss; ``get_or_compute`` does both.
    """

    def __init__(
        self,
        cache: TieredCache,
        fingerprint: str,
        *,
        default_ttl: float | None = None,
        grace: float | None = None,
    ) -> None:
        self.cache = cache
        self.fingerprint = fingerprint
        # Steps without a ttl of their own are fresh for default_ttl seconds (None: forever),
        # then served stale for grace more while they are refreshed in the background.
        self.default_ttl = default_ttl
        self.grace = grace
        self._hasher = ContentHasher()
        self._plans: dict[tuple[str, str, tuple[str, ...]], tuple[Any, tuple[tuple[str, bytes], ...]]] = {}

    def key_for(self, step: Step, inputs: Mapping[str, Any]) -> str:
        names = tuple(inputs)
        plan = self._plans.get((step.name, str(step.version), names))
        if plan is None:
            plan = self._plan(step, names)
        prefix, framed = plan
        h = prefix.copy()
        digest = self._hasher.digest
        for name, frame in framed:
            h.update(frame)
            h.update(digest(inputs[name]))
        return h.hexdigest()

    def _plan(self, step: Step, names: tuple[str, ...]) -> tuple[Any, tuple[tuple[str, bytes], ...]]:
        """What a key of ``step`` over these inputs hashes besides their digests, prepared once:
        the hash state after (format, name, version, fingerprint) and each input's framed name."""
        version = str(step.version)
        prefix = hashlib.blake2b(_FORMAT, digest_size=16)
        for part in (step.name, version, self.fingerprint):
            data = part.encode()
            prefix.update(b"%d:" % len(data) + data)
        framed = []
        for name in sorted(names):
            data = name.encode()
            framed.append((name, b"%d:" % len(data) + data))
        plan = self._plans[(step.name, version, names)] = (prefix, tuple(framed))
        return plan

    def tags_for(self, step: Step, roots: Mapping[str, Any]) -> tuple[str, ...]:
        return (f"step:{step.name}", *(f"{name}:{self._hasher.hash(value)}" for name, value in sorted(roots.items())))

    def probe(self, step: Step, inputs: Mapping[str, Any]) -> Probe:
        """Look the step up without computing anything; status "off" if it is not cacheable."""
        if not getattr(step, "cache", True):
            return _OFF
        try:
            key = self.key_for(step, inputs)
        except TypeError as exc:
            self.cache.warn_once(f"unhashable:{step.name}", f"step {step.name} is not cached: {exc}")
            return _OFF
        found = self.cache.lookup(key, namespace=step.name)
        if found is None:
            return Probe(key, None, CacheStatus.MISS)
        return Probe(key, self._unwrap(found.value), found.status)

    def _unwrap(self, stored: Memoized) -> Any:
        if stored.digest is not None:
            self._hasher.remember(stored.value, stored.digest)
        return stored.value

    def _wrapping(self, compute: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Memoized]]:
        async def wrapped() -> Memoized:
            value = await compute()
            try:
                digest = self._hasher.digest(value)
            except TypeError:
                digest = None  # a result with no canonical content is stored; its dependents are not
            return Memoized(value, digest)

        return wrapped

    async def fill(
        self,
        step: Step,
        probe: Probe,
        roots: Mapping[str, Any],
        compute: Callable[[], Awaitable[Any]],
    ) -> tuple[Any, str]:
        """Finish what ``probe`` started: compute a miss (or an uncacheable step), refresh a stale hit."""
        if probe.key is None:
            return await compute(), CacheStatus.MISS
        if probe.status in FRESH_HITS:
            return probe.value, probe.status
        try:
            tags = self.tags_for(step, roots)  # only a store needs them: a hit never pays for them
        except TypeError as exc:
            self.cache.warn_once(f"unhashable:{step.name}", f"step {step.name} is not cached: {exc}")
            return await compute(), CacheStatus.MISS
        ttl = step.ttl if step.ttl is not None else self.default_ttl
        stored_ttl = (lambda stored: ttl(stored.value)) if callable(ttl) else ttl
        store = self._wrapping(compute)
        if probe.status is CacheStatus.STALE:
            self.cache.refresh(probe.key, store, namespace=step.name, ttl=stored_ttl, grace=self.grace, tags=tags)
            return probe.value, CacheStatus.STALE
        stored = await self.cache.fill(probe.key, store, namespace=step.name, ttl=stored_ttl, grace=self.grace, tags=tags)
        return self._unwrap(stored), CacheStatus.MISS

    async def get_or_compute(
        self,
        step: Step,
        inputs: Mapping[str, Any],
        roots: Mapping[str, Any],
        compute: Callable[[], Awaitable[Any]],
    ) -> tuple[Any, str]:
        """(result, status) with status in {"miss", "l1", "l2", "stale"}.

        A step with ``cache`` false, or whose inputs have no canonical content,
        is computed without caching (status "miss").
        """
        return await self.fill(step, self.probe(step, inputs), roots, compute)
