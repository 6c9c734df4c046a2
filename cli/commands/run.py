"""`tailor run`: one resume, one job, the full report."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tailor.cli.commands._run_body import run_command
from tailor.cli.options import (
    ConfigOpt,
    FallbackOpt,
    FormatOpt,
    JobOpt,
    JsonOpt,
    Length,
    NoCacheOpt,
    OutFileOpt,
    ProfileOpt,
    ProviderOpt,
    ResumeArg,
    ScaleOpt,
    Schedule,
    TailorMode,
    Tone,
)


def run(
    resume: ResumeArg,
    job: JobOpt,
    out: OutFileOpt = None,
    fmt: FormatOpt = None,
    mode: Annotated[Optional[TailorMode], typer.Option("--mode", help="full, or partial (summary and skills only).")] = None,
    tone: Annotated[Optional[Tone], typer.Option("--tone", help="Tone of the rewritten summary.")] = None,
    length: Annotated[Optional[Length], typer.Option("--length", help="concise drops the least relevant bullets.")] = None,
    schedule: Annotated[Schedule, typer.Option("--schedule", help="How the engine schedules steps.")] = Schedule.parallel,
    sequential: Annotated[bool, typer.Option("--sequential", help="Shorthand for --schedule sequential.")] = False,
    no_cache: NoCacheOpt = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show what halving each critical step would save.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show the edits as a coloured word diff against the source.")] = False,
    provider: ProviderOpt = None,
    fallback: FallbackOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tailor one resume to one job; write it and report the scores, changes and timings."""
    from tailor.cli.errors import run_guarded

    run_guarded(
        run_command,
        resume=resume,
        job=job,
        out=out,
        fmt=fmt.value if fmt else None,
        mode=mode.value if mode else None,
        tone=tone.value if tone else None,
        length=length.value if length else None,
        schedule="sequential" if sequential else schedule.value,
        use_cache=not no_cache,
        explain=explain,
        diff=diff,
        provider=provider,
        fallback=fallback.value if fallback else None,
        profile=profile,
        scale=scale,
        config=config,
        as_json=as_json,
    )
