from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tailor.pipeline.cache import TieredCache
from tests.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_700_000_000.0)


@pytest.fixture
def warnings_seen() -> list[str]:
    return []


@pytest.fixture
def make_cache(
    tmp_path: Path, clock: FakeClock, warnings_seen: list[str]
) -> Iterator[Callable[..., TieredCache]]:
    """Build caches on one folder (tmp_path/cache by default) sharing the fake clock; all closed after."""
    made: list[TieredCache] = []

    def make(directory: Path | None | str = "default", **kwargs: object) -> TieredCache:
        folder = tmp_path / "cache" if directory == "default" else directory
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("warn", warnings_seen.append)
        cache = TieredCache(folder, **kwargs)  # type: ignore[arg-type]
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()
