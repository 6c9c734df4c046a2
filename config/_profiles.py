"""Latency profiles for the simulated provider (config/profiles/*.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tailor.config._loading import read_yaml
from tailor.config.settings import PACKAGE_DIR
from tailor.pipeline.errors import ConfigError

PROFILES_DIR = PACKAGE_DIR / "profiles"

Stage = Literal[
    "validate",
    "job_analysis",
    "resume_profile",
    "ats_before",
    "targets",
    "rewrite",
    "ats_after",
    "render",
    "store",
    "log",
]
STAGE_NAMES: tuple[str, ...] = Stage.__args__  # type: ignore[attr-defined]


class LatencyProfile(BaseModel):
    """Seconds each pipeline stage takes, before the ``simulated.scale`` multiplier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    unit: str = Field(min_length=1, description="what one unit of the stage figures means")
    stages: dict[Stage, Annotated[float, Field(ge=0)]]
    note: str = ""

    def seconds(self, stage: str, scale: float = 1.0) -> float:
        """Simulated latency of ``stage`` (0 for a stage the profile leaves out)."""
        if stage not in STAGE_NAMES:
            raise KeyError(f"unknown stage {stage!r}; stages are {', '.join(STAGE_NAMES)}")
        return self.stages.get(stage, 0.0) * scale  # type: ignore[call-overload]

    @property
    def total_seconds(self) -> float:
        """The whole profile run one stage after another (the sequential time)."""
        return sum(self.stages.values())


def available_profiles() -> list[str]:
    """Names of the profiles shipped in config/profiles/."""
    return sorted(path.stem for path in PROFILES_DIR.glob("*.yaml"))


def load_profile(name_or_path: str | Path) -> LatencyProfile:
    """A shipped profile by name (``seed``) or any profile file by path. Raises ConfigError."""
    text = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text
    if looks_like_path:
        return _load_file(Path(text).expanduser().resolve())
    path = PROFILES_DIR / f"{text}.yaml"
    if not path.is_file():
        raise ConfigError(f"unknown latency profile {text!r} (available: {', '.join(available_profiles())})")
    return _load_file(path)


@functools.cache
def _load_file(path: Path) -> LatencyProfile:
    data = read_yaml(path, str(path))
    try:
        profile = LatencyProfile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"{path}: {where}: {error['msg']}, got {error.get('input')!r}") from None
    return profile
