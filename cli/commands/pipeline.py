"""`tailor pipeline show`: the graph, level by level, as a tree or Mermaid."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tailor.cli.options import ConfigOpt, JsonOpt, ProviderOpt

if TYPE_CHECKING:
    from tailor.pipeline.engine import Graph


def show(
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print a Mermaid flowchart instead of a tree.")] = False,
    provider: ProviderOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw the tailoring pipeline: steps, what each needs, and its options."""
    from tailor.cli.errors import run_guarded

    run_guarded(show_command, mermaid=mermaid, provider=provider, config=config, as_json=as_json)


def show_command(*, mermaid: bool, provider: str | None, config: Path | None, as_json: bool) -> int:
    """The graph of the provider the settings (``--config``, ``--provider``) name, as ``tailor run`` builds it."""
    import asyncio

    from tailor.cli.settings import settings_from_flags
    from tailor.pipeline.app.graphs import graph_for, release

    graph = graph_for(settings_from_flags(config, provider=provider))
    try:
        return _draw(graph, mermaid=mermaid, as_json=as_json)
    finally:
        asyncio.run(release(graph))


def _draw(graph: Graph, *, mermaid: bool, as_json: bool) -> int:
    import json

    if as_json:
        steps = [
            {
                "name": name,
                "needs": list(graph.needs(name)),
                "cache": graph.steps[name].cache,
                "version": graph.steps[name].version,
                "background": graph.steps[name].background,
                "required": graph.steps[name].required,
            }
            for name in graph.order
        ]
        sys.stdout.write(json.dumps({"inputs": list(graph.inputs), "steps": steps}) + "\n")
        return 0
    if mermaid:
        lines = ["flowchart TD"]
        lines += [f"    {name}[/{name}/]" for name in graph.inputs]
        for name in graph.order:
            shape = f"{name}(({name}))" if graph.steps[name].background else f"{name}[{name}]"
            lines.append(f"    {shape}")
            lines += [f"    {need} --> {name}" for need in graph.needs(name)]
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    from rich.tree import Tree

    from tailor.cli.render.console import console

    tree = Tree(f"[bold]tailoring pipeline[/] ({len(graph.order)} steps, inputs: {', '.join(graph.inputs)})")
    for level, names in enumerate(graph.levels):
        branch = tree.add(f"[bold]level {level}[/]")
        for name in names:
            step = graph.steps[name]
            flags = [f"cache v{step.version}" if step.cache else "no cache"]
            if step.background:
                flags.append("background")
            if not step.required:
                flags.append("optional")
            branch.add(f"[magenta]{name}[/] [dim]({', '.join(flags)})[/] ← {', '.join(graph.needs(name))}")
    console().print(tree)
    return 0
