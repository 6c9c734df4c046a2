"""`tailor batch`: a folder of resumes against one job (or a folder of jobs), with a summary."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from tailor.cli.options import (
    ConfigOpt,
    FallbackOpt,
    FormatOpt,
    JsonOpt,
    NoCacheOpt,
    OutFolderOpt,
    ProfileOpt,
    ProviderOpt,
    ScaleOpt,
)
from tailor.cli.settings import settings_from_flags

if TYPE_CHECKING:
    from rich.console import Console

    from tailor.pipeline.batch import Batch, BatchSummary, ItemOutcome, Ranking

_SHOWN_FAILURES = 50
_SHOWN_RANKS = 20


def batch(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder of resumes (searched recursively).", show_default=False)],
    job: Annotated[Optional[Path], typer.Option("--job", "-j", help="One job description for every resume.")] = None,
    jobs: Annotated[Optional[Path], typer.Option("--jobs", help="A folder of jobs: every resume against every job.")] = None,
    out: OutFolderOpt = Path("tailored"),
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", min=1, help="Items in flight at once.")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Worker processes (default: cores).")] = None,
    fmt: FormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Redo items whose output is up to date.")] = False,
    no_cache: NoCacheOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    executor: Annotated[
        Optional[str],
        typer.Option("--executor", metavar="local|dask", help="Where items run: local processes, or a Dask cluster.", show_default=False),
    ] = None,
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", metavar="tcp://HOST:PORT", help="Join this Dask cluster (default: start one on this machine)."),
    ] = None,
    provider: ProviderOpt = None,
    fallback: FallbackOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tailor a whole folder of resumes, isolating every failure, with a summary (p50/p95/p99)."""
    from tailor.cli.errors import run_guarded

    run_guarded(
        batch_command,
        folder=folder,
        job=job,
        jobs=jobs,
        out=out,
        concurrency=concurrency,
        workers=workers,
        fmt=fmt.value if fmt else None,
        force=force,
        use_cache=not no_cache,
        quiet=quiet,
        executor=executor,
        scheduler=scheduler,
        provider=provider,
        fallback=fallback.value if fallback else None,
        profile=profile,
        scale=scale,
        config=config,
        as_json=as_json,
    )


def batch_command(
    *,
    folder: Path,
    job: Path | None,
    jobs: Path | None,
    out: Path,
    concurrency: int | None,
    workers: int | None,
    fmt: str | None,
    force: bool,
    use_cache: bool,
    quiet: bool,
    executor: str | None,
    scheduler: str | None,
    provider: str | None,
    profile: str | None,
    fallback: str | None,
    scale: float | None,
    config: Path | None,
    as_json: bool,
) -> int:
    import json

    from tailor.pipeline.batch import Batch, Tally, rank
    from tailor.pipeline.errors import InputError

    if (job is None) == (jobs is None):
        raise InputError("give exactly one of --job FILE (one job for every resume) or --jobs DIR (every job)")
    if not folder.is_dir():
        raise InputError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'} (expected a folder of resumes)")
    settings = settings_from_flags(
        config, fmt=fmt, provider=provider, profile=profile, scale=scale, concurrency=concurrency, workers=workers,
        fallback=fallback,
    )
    job_files = _job_files(job, jobs, settings.limits.max_input_bytes)
    where = _executor(executor, scheduler)
    _make_out(out)

    warnings: list[str] = []
    batch = Batch(
        settings,
        folder,
        job_files,
        out,
        force=force,
        use_cache=use_cache,
        workers=settings.batch.effective_workers,
        concurrency=settings.batch.concurrency,
        executor=where,
        scheduler=scheduler,
        warn=warnings.append,
    )
    tally = Tally()
    kept: list[ItemOutcome] = []  # only what the output needs: every item for --json, scored ones to rank
    ranking_wanted = jobs is not None

    def keep(outcome: ItemOutcome) -> None:
        tally.add(outcome)
        if as_json or (ranking_wanted and outcome.score_after is not None):
            kept.append(outcome)

    show_progress = not (quiet or as_json)
    start = time.perf_counter()
    with _stop_on_signals() as stop, _progress(batch, show_progress) as advance:

        def on_outcome(outcome: ItemOutcome) -> None:
            keep(outcome)
            advance(outcome)

        interrupted = batch.run(on_outcome, stop)  # leaves only whole outputs, however it ends
    summary = tally.summary((time.perf_counter() - start) * 1000.0, interrupted=interrupted)
    ranking = rank(kept) if ranking_wanted else None

    if as_json:
        data: dict[str, Any] = {
            "summary": summary.to_dict(),
            "items": [o.to_dict() for o in sorted(kept, key=lambda o: o.item.index)],
            "ranking": ranking.to_dict() if ranking is not None else None,
            "batch_id": batch.batch_id,
            "skipped_files": {"count": batch.skipped_files.count, "examples": batch.skipped_files.examples},
            "warnings": warnings,
        }
        sys.stdout.write(json.dumps(data) + "\n")
    else:
        from tailor.cli.render.console import console

        _render(console(), batch, summary, tally.failures, ranking, warnings)
    if interrupted:
        from tailor.cli.errors import EXIT_INTERRUPTED, EXIT_TERMINATED

        return EXIT_TERMINATED if stop.signum == signal.SIGTERM else EXIT_INTERRUPTED
    return 1 if summary.failed else 0


def _job_files(job: Path | None, jobs: Path | None, max_bytes: int) -> list[Path]:
    """The job files, each read and checked now: a bad job is bad usage, not N failed items."""
    from tailor.pipeline.errors import InputError
    from tailor.pipeline.readers._files import JOB_SUFFIXES, read_job

    if job is not None:
        files = [job]
    else:
        assert jobs is not None
        if not jobs.is_dir():
            raise InputError(f"{jobs}: {'not a folder' if jobs.exists() else 'no such folder'} (expected a folder of job descriptions)")
        files = sorted(
            p for p in jobs.iterdir() if p.suffix.lower() in JOB_SUFFIXES and not p.name.startswith(".") and p.is_file()
        )
        if not files:
            raise InputError(f"{jobs}: no job descriptions here (expected {', '.join(sorted(JOB_SUFFIXES))} files)")
    for file in files:
        read_job(file, max_bytes=max_bytes)
    return files


def _executor(executor: str | None, scheduler: str | None) -> Literal["local", "dask"]:
    """``--executor``, checked; ``--scheduler`` alone means dask."""
    from tailor.pipeline.errors import InputError

    if executor not in (None, "local", "dask"):
        raise InputError(f"--executor {executor}: expected local or dask")
    if scheduler is not None:
        if executor == "local":
            raise InputError(f"--scheduler {scheduler}: a scheduler is for --executor dask, not local")
        if not scheduler.strip():
            raise InputError("--scheduler: empty address (expected tcp://HOST:PORT)")
        return "dask"
    return "dask" if executor == "dask" else "local"


def _make_out(out: Path) -> None:
    from tailor.pipeline.errors import InputError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{out}: exists and is not a folder (--out needs a folder)") from None
    except OSError as error:
        raise InputError(f"{out}: cannot create the output folder ({error.strerror or error})") from None


class _Stop:
    """Called by the batch to ask whether to stop; remembers the first signal that asked."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signum: int | None = None

    def __call__(self) -> bool:
        return self._event.is_set()

    def request(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
        self._event.set()


@contextmanager
def _stop_on_signals() -> Iterator[_Stop]:
    """The first Ctrl-C or SIGTERM asks the batch to stop cleanly (items in flight finish); a second one aborts."""
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: object) -> None:
        if stop():
            raise KeyboardInterrupt
        stop.request(signum)

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for signum, old_handler in previous.items():
            signal.signal(signum, old_handler)


def _rate(ran: int, seconds: float) -> str:
    """Items that ran per second of the batch so far: the summary's "items per second" (up-to-date
    items are not work, and Rich's own speed, over its last few samples, spikes on a fast start)."""
    return f"{ran / seconds:.1f}/s" if ran and seconds > 0 else ""


@contextmanager
def _progress(batch: Batch, enabled: bool) -> Iterator[Callable[[ItemOutcome], None]]:
    """A Rich bar on stderr: done / to do, items per second, ETA. Up-to-date items shrink the total."""
    if not enabled:
        yield lambda outcome: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from tailor.cli.render.console import error_console

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
        console=error_console(),
    )
    task = progress.add_task("tailoring", total=batch.count(), rate="", note="")
    counts = {"skipped": 0, "failed": 0, "ran": 0}
    started = time.perf_counter()

    def advance(outcome: ItemOutcome) -> None:
        if outcome.status in ("skipped", "not_started"):
            counts["skipped"] += outcome.status == "skipped"
            progress.update(task, total=max(0, (progress.tasks[0].total or 0) - 1))
        else:
            counts["failed"] += outcome.status == "failed"
            counts["ran"] += 1
            progress.advance(task)
        notes = [f"{n} {what}" for what, n in (("failed", counts["failed"]), ("up to date", counts["skipped"])) if n]
        progress.update(task, rate=_rate(counts["ran"], time.perf_counter() - started), note=", ".join(notes))

    with progress:
        yield advance


def _render(
    out: Console,
    batch: Batch,
    summary: BatchSummary,
    failures: list[ItemOutcome],
    ranking: Ranking | None,
    warnings: list[str],
) -> None:
    from rich.table import Table
    from rich.text import Text

    from tailor.cli.render.console import ms
    from tailor.cli.render.safe import data, shown

    note = batch.skipped_files
    if note.count:
        more = ", …" if note.count > len(note.examples) else ""
        out.print(data(f"note: passed over {note.count} file(s) that are not resumes: {', '.join(note.examples)}{more}",
                       style="dim"))
    many_jobs = len(batch.jobs) > 1
    if failures:
        table = Table(title=f"Failed ({len(failures)})", title_justify="left")
        table.add_column("resume", overflow="fold")
        if many_jobs:
            table.add_column("job", overflow="fold")
        table.add_column("reason", overflow="fold", style="red")
        for o in sorted(failures, key=lambda o: o.item.index)[:_SHOWN_FAILURES]:
            table.add_row(data(o.item.resume), *([data(Path(o.item.job).name)] if many_jobs else []), data(o.error or ""))
        out.print(table)
        if len(failures) > _SHOWN_FAILURES:
            out.print(f"[dim]… and {len(failures) - _SHOWN_FAILURES} more (--json lists every item)[/]")
    if ranking is not None and ranking.by_resume:
        _render_ranking(out, ranking)

    def pct(value: float | None) -> str:
        return ms(value) if value is not None else "-"

    table = Table(title="Batch summary", title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row("total", str(summary.total))
    table.add_row("succeeded", Text(str(summary.succeeded), style="green"))
    table.add_row("failed", Text(str(summary.failed), style="bold red" if summary.failed else ""))
    table.add_row("skipped (up to date)", str(summary.skipped))
    if summary.not_started:
        table.add_row("not started", Text(str(summary.not_started), style="magenta"))
    table.add_row("success rate", f"{summary.success_rate:.1%}")
    table.add_row("wall time", ms(summary.wall_ms))
    table.add_row("items per second", f"{summary.items_per_s:.1f}")
    table.add_row("p50 / p95 / p99", f"{pct(summary.p50_ms)} / {pct(summary.p95_ms)} / {pct(summary.p99_ms)}")
    out.print(table)
    for warning in warnings:
        out.print(Text.assemble(("warning: ", "yellow"), shown(warning)))
    if summary.interrupted:
        out.print(
            f"[magenta]interrupted:[/] {summary.succeeded + summary.failed} finished, {summary.not_started} not started; "
            "run the same command again to finish (finished items are skipped)"
        )
    out.print(Text.assemble(("Outputs in ", "bold"), shown(str(batch.out))))


def _render_ranking(out: Console, ranking: Ranking) -> None:
    from rich.table import Table

    from tailor.cli.render.safe import data

    def fits(rows: list[Any], limit: int = 5) -> str:
        shown = ", ".join(f"{Path(f.other).stem} {f.score_after:.1f} ({f.score_before:.1f})" for f in rows[:limit])
        return shown + (f", … {len(rows) - limit} more" if len(rows) > limit else "")

    table = Table(title="Jobs by fit, per resume: after (before)", title_justify="left")
    table.add_column("resume", overflow="fold")
    table.add_column("jobs, best first", overflow="fold")
    for resume, rows in list(ranking.by_resume.items())[:_SHOWN_RANKS]:
        table.add_row(data(resume), data(fits(rows)))
    out.print(table)
    if len(ranking.by_resume) > _SHOWN_RANKS:
        out.print(f"[dim]… and {len(ranking.by_resume) - _SHOWN_RANKS} more resumes (--json has the whole ranking)[/]")
    table = Table(title="Best resumes per job: after (before)", title_justify="left")
    table.add_column("job")
    table.add_column("resumes, best first", overflow="fold")
    for job, rows in ranking.by_job.items():
        table.add_row(data(Path(job).name), data(fits(rows)))
    out.print(table)
