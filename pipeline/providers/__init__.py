"""Tailoring providers: who does the work behind the pipeline's steps.

``local`` (default) runs the deterministic engine in-process; ``simulated`` runs
the same engine and adds each stage's latency from a profile, standing in for a
remote AI service when planning capacity or benchmarking the scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from config import Settings
    from pipeline.engine import Graph


def graph_for(settings: Settings) -> Graph:
    """The pipeline graph of the provider the settings name."""
    name = settings.provider.name
    if name == "local":
        from pipeline.providers.local import local_graph

        return local_graph()
    if name == "simulated":
        from config import load_profile
        from pipeline.providers.simulated import simulated_graph

        return simulated_graph(load_profile(settings.simulated.profile), settings.simulated.scale)
    raise ConfigError(f"provider.name: the {name!r} provider is not available in this version (use local or simulated)")
