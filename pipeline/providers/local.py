"""The local provider: the deterministic, offline tailoring engine, run in-process."""

from __future__ import annotations

import functools

from tailor.pipeline.app.stages import RUN_INPUTS, STEPS
from tailor.pipeline.engine import Graph


@functools.cache
def local_graph() -> Graph:
    """The tailoring graph, built and validated once per process."""
    return Graph(STEPS, inputs=RUN_INPUTS)
