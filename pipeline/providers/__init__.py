"""Tailoring providers: who does the work behind the pipeline's steps.

``local`` (default) runs the deterministic engine in-process; ``simulated`` runs
the same engine and adds each stage's latency from a profile, standing in for a
remote AI service when planning capacity or benchmarking the scheduler;
``openai`` asks any OpenAI-compatible chat server for the job analysis and the
rewrite, and checks both against the sources (see ``pipeline.providers.openai``).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tailor.pipeline.errors import ConfigError

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.engine import Graph

# Graphs whose provider holds connections, and how to close them.
_CLOSERS: weakref.WeakKeyDictionary[Graph, Callable[[], Awaitable[None]]] = weakref.WeakKeyDictionary()


def graph_for(settings: Settings) -> Graph:
    """The pipeline graph of the provider the settings name."""
    name = settings.provider.name
    if name == "local":
        from tailor.pipeline.providers.local import local_graph

        return local_graph()
    if name == "simulated":
        from tailor.config import load_profile
        from tailor.pipeline.providers.simulated import simulated_graph

        return simulated_graph(load_profile(settings.simulated.profile), settings.simulated.scale)
    if name == "openai":
        from tailor.pipeline.providers.openai import openai_graph

        graph, provider = openai_graph(settings)
        _CLOSERS[graph] = provider.aclose
        return graph
    raise ConfigError(f"provider.name: unknown provider {name!r} (use local, simulated or openai)")


async def release(graph: Graph) -> None:
    """Close what the provider behind ``graph`` holds open (HTTP connections); a no-op for the others."""
    closer = _CLOSERS.pop(graph, None)
    if closer is not None:
        await closer()
