"""The pipeline graph a run uses: the stages of ``app.stages`` as the provider changes them."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tailor.pipeline.app.stages import RUN_INPUTS, STEPS
from tailor.pipeline.engine import Graph
from tailor.pipeline.errors import ConfigError

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.providers.openai import OpenAIProvider

# Graphs whose provider holds connections, and how to close them.
_CLOSERS: weakref.WeakKeyDictionary[Graph, Callable[[], Awaitable[None]]] = weakref.WeakKeyDictionary()


@functools.cache
def local_graph() -> Graph:
    """The local provider's graph (the stages as they are), built and validated once per process."""
    return Graph(STEPS, inputs=RUN_INPUTS)


def openai_graph(settings: Settings, **options: Any) -> tuple[Graph, OpenAIProvider]:
    """The openai provider's graph and the provider (whose ``aclose`` releases its connections)."""
    from tailor.pipeline.providers.openai import OpenAIProvider

    provider = OpenAIProvider(settings, **options)
    return Graph(provider.steps(STEPS), inputs=RUN_INPUTS), provider


def graph_for(settings: Settings) -> Graph:
    """The pipeline graph of the provider the settings name."""
    name = settings.provider.name
    if name == "local":
        return local_graph()
    if name == "simulated":
        from tailor.config import load_profile
        from tailor.pipeline.providers.simulated import simulated_steps

        profile = load_profile(settings.simulated.profile)
        return Graph(simulated_steps(STEPS, profile, settings.simulated.scale), inputs=RUN_INPUTS)
    if name == "openai":
        graph, provider = openai_graph(settings)
        _CLOSERS[graph] = provider.aclose
        return graph
    raise ConfigError(f"provider.name: unknown provider {name!r} (use local, simulated or openai)")


async def release(graph: Graph) -> None:
    """Close what the provider behind ``graph`` holds open (HTTP connections); a no-op for the others."""
    closer = _CLOSERS.pop(graph, None)
    if closer is not None:
        await closer()
