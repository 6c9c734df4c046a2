from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from tailor.pipeline.engine import Step, step


class Timeline:
    """Records when each step body really started and ended (perf_counter seconds)."""

    def __init__(self) -> None:
        self.spans: dict[str, tuple[float, float]] = {}
        self.order: list[str] = []

    def sleeper(self, name: str, seconds: float, needs: tuple[str, ...] = (), **options: Any) -> Step:
        """An async step that sleeps, records its span and returns its name plus its inputs."""

        async def body(**kwargs: Any) -> str:
            start = time.perf_counter()
            self.order.append(name)
            await anyio.sleep(seconds)
            self.spans[name] = (start, time.perf_counter())
            return name + "(" + ",".join(str(kwargs[k]) for k in needs) + ")"

        return Step(fn=body, name=name, needs=needs, **options)

    def after(self, later: str, earlier: str) -> bool:
        return self.spans[later][0] >= self.spans[earlier][1]

    def overlap(self, a: str, b: str) -> bool:
        (a0, a1), (b0, b1) = self.spans[a], self.spans[b]
        return a0 < b1 and b0 < a1


@pytest.fixture
def timeline() -> Timeline:
    return Timeline()


def make_step(fn: Callable[..., Any], **options: Any) -> Step:
    return step(**options)(fn)
