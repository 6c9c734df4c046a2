"""Step memoization: the engine's StepCache over a TieredCache.

key = BLAKE2b(step name, step version, settings fingerprint, content hashes
of the step's direct inputs); namespace = step name; tags = ``step:<name>``
and ``tag_for(root, value)`` for every run input the step derives from, so
``cache.invalidate(tag_for("resume", doc))`` drops all results of one resume.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from pipeline.cache.keys import ContentHasher
from pipeline.cache.tiered import TieredCache

if TYPE_CHECKING:
    from pipeline.engine.graph import Step


class StepMemo:
    """Caches step results in ``cache``; ``fingerprint`` names the settings that affect results."""

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

    def key_for(self, step: Step, inputs: Mapping[str, Any]) -> str:
        h = hashlib.blake2b(digest_size=16)
        for part in (step.name, str(step.version), self.fingerprint):
            data = part.encode()
            h.update(b"%d:" % len(data))
            h.update(data)
        for name in sorted(inputs):
            data = name.encode()
            h.update(b"%d:" % len(data))
            h.update(data)
            h.update(self._hasher.digest(inputs[name]))
        return h.hexdigest()

    def tags_for(self, step: Step, roots: Mapping[str, Any]) -> tuple[str, ...]:
        return (f"step:{step.name}", *(f"{name}:{self._hasher.hash(value)}" for name, value in sorted(roots.items())))

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
        if not getattr(step, "cache", True):
            return await compute(), "miss"
        try:
            key = self.key_for(step, inputs)
            tags = self.tags_for(step, roots)
        except TypeError as exc:
            self.cache.warn_once(f"unhashable:{step.name}", f"step {step.name} is not cached: {exc}")
            return await compute(), "miss"
        ttl = step.ttl if step.ttl is not None else self.default_ttl
        found = await self.cache.get_or_compute(key, compute, namespace=step.name, ttl=ttl, grace=self.grace, tags=tags)
        return found.value, found.status
