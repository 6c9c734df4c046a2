"""`tailor cache stats|clear|invalidate|warm`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tailor.cli.options import ConfigOpt, JsonOpt
from tailor.cli.settings import settings_from_flags

if TYPE_CHECKING:
    from rich.table import Table

    from tailor.pipeline.cache import CacheStats


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data) + "\n")


def stats(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Hits, misses, hit rate, entries and bytes, per tier and per step."""
    from tailor.cli.errors import run_guarded

    run_guarded(stats_command, config=config, as_json=as_json)


def stats_command(*, config: Path | None, as_json: bool) -> int:
    from tailor.pipeline.app.caching import open_cache

    settings = settings_from_flags(config)
    with open_cache(settings) as cache:
        stats = cache.stats()
    if as_json:
        _print_json(stats.to_dict())
        return 0
    from tailor.cli.render.console import console

    console().print(_stats_table(stats))
    return 0


def _stats_table(stats: CacheStats) -> Table:
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: the folder is the user's path. Step names are never cut: they are what
    # `cache clear --step` takes; the headers wrap instead, so the table reads whole at 80 columns.
    table = Table(title=Text(f"Cache statistics ({stats.directory or 'memory only'})"), title_justify="left")
    names = [name for tier in (stats.l1, stats.l2) for name in tier.namespaces]
    table.add_column("tier", no_wrap=True)
    table.add_column("step", no_wrap=True, min_width=max([4, *map(len, names)]))
    for column in ("hits", "misses", "hit\nrate", "entries", "raw", "stored"):
        table.add_column(column, justify="right", no_wrap=True)
    for tier in (stats.l1, stats.l2):
        if not tier.enabled:
            table.add_row(tier.name, "[dim](off)", "", "", "", "", "", "")
            continue
        for name, counts in sorted(tier.namespaces.items()):
            table.add_row(tier.name, name, *_figures(counts))
        table.add_row(f"[bold]{tier.name}", "[bold]all", *_figures(tier.total), end_section=True)
    return table


def _figures(counts: Any) -> list[str]:
    return [
        str(counts.hits),
        str(counts.misses),
        f"{counts.hit_rate:.0%}",
        str(counts.entries),
        _size(counts.bytes_raw),
        _size(counts.bytes_stored),
    ]


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def clear(
    step: Annotated[Optional[str], typer.Option("--step", metavar="STEP", help="Only this step's entries (see `tailor pipeline show`).")] = None,
    all_: Annotated[
        bool,
        typer.Option("--all", help="Delete the cache's own files (entries and statistics) and its folder if then empty."),
    ] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove cached entries: every step's, or one step's; --all also the statistics."""
    from tailor.cli.errors import run_guarded

    run_guarded(clear_command, step=step, all_=all_, config=config, as_json=as_json)


def clear_command(*, step: str | None, all_: bool, config: Path | None, as_json: bool) -> int:
    from tailor.pipeline.app.caching import open_cache

    settings = settings_from_flags(config)
    if step is not None:
        _check_step(step, settings)
    folder = settings.cache_dir
    if all_:
        from tailor.pipeline.cache import remove_cache_files

        # Entries, the tag index and the statistics go; resumes are personal data. Only the cache's
        # own files are deleted, by name: the folder may hold other things, which stay.
        dropped = 0
        if settings.cache.redis_url:  # a shared L2 holds them too
            with open_cache(settings) as cache:
                dropped = cache.clear()
                cache.reset_stats()
        existed = folder.exists()
        removed = remove_cache_files(folder) if existed else 0
        if not existed:
            message = f"no cache folder at {folder}"
        elif folder.exists():
            message = f"removed the cache's {_files(removed)} from {folder} (other files there were left alone)"
        else:
            message = f"removed the cache folder {folder} ({_files(removed)})"
        if settings.cache.redis_url:
            message += f" and {dropped} entries and the statistics from Redis"
        _report(as_json, {"cleared": "all", "folder": str(folder), "dropped": dropped, "files": removed}, message)
        return 0
    with open_cache(settings) as cache:
        dropped = cache.clear(step)
    what = f"step {step}" if step else "every step"
    _report(as_json, {"cleared": step or "entries", "dropped": dropped}, f"dropped {dropped} entries of {what}")
    return 0


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _check_step(step: str, settings: Any) -> None:
    """An unknown step is a usage error naming the known ones (a typo would otherwise drop nothing, silently)."""
    import asyncio

    from tailor.pipeline.app.graphs import graph_for, release
    from tailor.pipeline.errors import UsageError

    graph = graph_for(settings)
    asyncio.run(release(graph))
    known = list(graph.order)
    if step not in known:
        raise UsageError(f"--step: no step named {step!r}; the steps are {', '.join(known)}")


def invalidate(
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Drop everything derived from this resume.")] = None,
    job: Annotated[Optional[Path], typer.Option("--job", help="Drop everything derived from this job.")] = None,
    step: Annotated[Optional[str], typer.Option("--step", help="Drop every entry of this step.")] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cascade-invalidate entries derived from a resume, a job or a step."""
    from tailor.cli.errors import run_guarded

    run_guarded(invalidate_command, resume=resume, job=job, step=step, config=config, as_json=as_json)


def invalidate_command(
    *, resume: Path | None, job: Path | None, step: str | None, config: Path | None, as_json: bool
) -> int:
    from tailor.pipeline.app.caching import open_cache
    from tailor.pipeline.cache import tag_for
    from tailor.pipeline.errors import InputError
    from tailor.pipeline.readers.inputs import InputFile

    if not (resume or job or step):
        raise InputError("tailor cache invalidate: give --resume FILE, --job FILE or --step NAME")
    settings = settings_from_flags(config)
    limit = settings.limits.max_input_bytes
    tags = []
    if resume is not None:
        tags.append(tag_for("resume_file", InputFile.open(resume, "resume", max_bytes=limit)))
    if job is not None:
        tags.append(tag_for("job_file", InputFile.open(job, "job", max_bytes=limit)))
    if step is not None:
        _check_step(step, settings)
        tags.append(f"step:{step}")
    with open_cache(settings) as cache:
        dropped = {tag: cache.invalidate(tag) for tag in tags}
    total = sum(dropped.values())
    _report(as_json, {"invalidated": dropped, "dropped": total}, f"dropped {total} entries derived from it")
    return 0


def warm(
    jobs: Annotated[Path, typer.Option("--jobs", help="Folder of job descriptions to analyse ahead of time.")],
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pre-compute job analyses for a folder of jobs."""
    from tailor.cli.errors import run_guarded

    run_guarded(warm_command, jobs=jobs, config=config, as_json=as_json)


def warm_command(*, jobs: Path, config: Path | None, as_json: bool) -> int:
    import anyio

    from tailor.pipeline.app.warm import warm_jobs

    settings = settings_from_flags(config)
    results = anyio.run(warm_jobs, settings, jobs)
    failed = [r for r in results if r.error]
    if as_json:
        _print_json({"jobs": [r.to_dict() for r in results], "warmed": len(results) - len(failed), "failed": len(failed)})
    else:
        from rich.text import Text

        from tailor.cli.render.console import console
        from tailor.cli.render.safe import shown

        out = console()
        for r in results:
            status = ("failed: " + shown(str(r.error)), "red") if r.error else (str(r.cache), "green")
            out.print(Text.assemble(shown(str(r.path)), ": ", status))
        out.print(f"warmed {len(results) - len(failed)} job analyses, {len(failed)} failed")
    return 1 if failed else 0


def _report(as_json: bool, data: dict[str, Any], message: str) -> None:
    if as_json:
        _print_json(data)
    else:
        print(message)
