"""The options the commands share, each defined once, and the choices they take.

An option used by more than one command lives here, as an ``Annotated`` alias a
command's signature uses as its type; an option only one command has stays in
that command's signature. ``--out`` is two options: a file for ``run``, a folder
for ``batch``.

Only Typer is imported here: ``tailor --help`` builds every signature.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Schedule(str, Enum):
    parallel = "parallel"
    waves = "waves"
    sequential = "sequential"


class OutputFormat(str, Enum):
    md = "md"
    txt = "txt"
    json = "json"
    yaml = "yaml"
    docx = "docx"
    pdf = "pdf"
    html = "html"


class TailorMode(str, Enum):
    full = "full"
    partial = "partial"


class Length(str, Enum):
    concise = "concise"
    thorough = "thorough"


class Tone(str, Enum):
    neutral = "neutral"
    confident = "confident"
    formal = "formal"


class GroupBy(str, Enum):
    mode = "mode"  # --mode full | partial
    schedule = "schedule"  # the engine's schedule: parallel | waves | sequential
    provider = "provider"
    job = "job"


class Fallback(str, Enum):
    local = "local"


# Inputs and outputs.
ResumeArg = Annotated[Path, typer.Argument(metavar="RESUME", help="Resume: .md .txt .json .yaml .pdf .docx", show_default=False)]
JobOpt = Annotated[Path, typer.Option("--job", "-j", help="Job description (.txt or .md).", show_default=False)]
OutFileOpt = Annotated[
    Optional[Path], typer.Option("--out", "-o", help="Where to write the tailored resume (default NAME.tailored.EXT).")
]
OutFolderOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for tailored resumes.")]
FormatOpt = Annotated[Optional[OutputFormat], typer.Option("--format", help="Output format (default: the format of the resume, or --out's extension).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache (every step is computed).")]

# The provider.
ProviderOpt = Annotated[
    Optional[str], typer.Option("--provider", help="local (default), simulated or openai.", show_default=False)
]
FallbackOpt = Annotated[
    Optional[Fallback],
    typer.Option("--fallback", help="Finish with the local provider when the openai service stays down."),
]
ProfileOpt = Annotated[
    Optional[str], typer.Option("--profile", help="Latency profile for --provider simulated (name or YAML path).")
]
ScaleOpt = Annotated[
    Optional[float], typer.Option("--scale", help="Multiply the simulated profile's seconds by this.")
]

# Every command.
ConfigOpt = Annotated[
    Optional[Path], typer.Option("--config", help="Settings file (default: ./tailor.yaml, then the user config folder).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts, nothing else on stdout.")]
