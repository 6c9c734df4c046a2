"""The Settings model: every knob of tailor, typed and validated.

Values live in config/defaults.yaml (the one place defaults are written down);
this module only says what each key may hold. ``extra="forbid"`` everywhere so
a misspelt key is an error instead of a silently ignored setting.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

# The package's data files (defaults.yaml, skills.yaml, profiles/), as installed.
PACKAGE_DIR = Path(str(importlib.resources.files(__package__ or "tailor.config")))
TAXONOMY_FILE = PACKAGE_DIR / "skills.yaml"


def _reject_bool(value: Any) -> Any:
    # pydantic's lax mode turns `true` into 1; for a count that is always a typo.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


Int = Annotated[int, BeforeValidator(_reject_bool)]
Float = Annotated[float, BeforeValidator(_reject_bool)]
# Relative folders are resolved by the loader (against the file that named them).
Folder = Annotated[Path, AfterValidator(Path.expanduser)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProviderSettings(_Section):
    name: Literal["local", "openai", "simulated"]
    fallback: Literal["local"] | None


class TailoringSettings(_Section):
    target_score: Float = Field(ge=0, le=100)
    mode: Literal["full", "partial"]
    tone: Literal["neutral", "confident", "formal"]
    length: Literal["concise", "thorough"]
    max_bullets_per_role: Int = Field(ge=1)
    output_format: Literal["auto", "md", "txt", "json", "yaml", "docx", "pdf", "html"]


class CacheSettings(_Section):
    enabled: bool
    dir: Folder | None
    l1_max_entries: Int = Field(ge=0)
    ttl_seconds: Float = Field(gt=0)
    # At or past ttl_seconds nothing is ever served stale: that simply turns stale-while-revalidate off.
    stale_after_seconds: Float = Field(gt=0)
    compress_threshold_bytes: Int = Field(ge=0)
    redis_url: str | None
    # Use a cache folder another user owns or others can write (anyone who can write it decides
    # what is read back; values are data only, but a planted entry could still be a wrong hit).
    trust_folder: bool = False


class LimitsSettings(_Section):
    max_input_bytes: Int = Field(gt=0)
    max_resume_lines: Int = Field(gt=0)
    max_resume_bullets: Int = Field(gt=0)


class BatchSettings(_Section):
    concurrency: Int = Field(ge=1)
    workers: Int | None = Field(ge=1)
    # One item's time limit in a worker process: past it the worker is ended (nothing inside the
    # item can ignore that), the item fails with a reason, and the chunk's other items run again.
    item_timeout_seconds: Float = Field(gt=0)

    @property
    def effective_workers(self) -> int:
        """Worker processes to use: the setting, else one per CPU."""
        return self.workers or os.cpu_count() or 1


class HistorySettings(_Section):
    enabled: bool
    dir: Folder | None


class SimulatedSettings(_Section):
    profile: str = Field(min_length=1)
    scale: Float = Field(gt=0)


class ModelPrice(_Section):
    """US dollars per one million tokens."""

    input: Float = Field(ge=0)
    output: Float = Field(ge=0)


class MaxTokens(_Section):
    """max_tokens per request of each model step (a truncated reply is asked again with more room)."""

    job_analysis: Int = Field(ge=1)
    rewrite: Int = Field(ge=1)


class OpenAISettings(_Section):
    base_url: str = Field(min_length=1)
    model: str = Field(min_length=1)
    api_key_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout_seconds: Float = Field(gt=0)
    max_concurrency: Int = Field(ge=1)
    requests_per_minute: Int = Field(ge=1)
    max_retries: Int = Field(ge=0)
    max_tokens: MaxTokens
    # After a request gave up on a service that stayed down, later requests fail at once for this long.
    circuit_cooldown_seconds: Float = Field(ge=0)
    prices: dict[str, ModelPrice]

    def price(self, model: str | None = None) -> ModelPrice | None:
        """Prices of ``model`` (default: the configured one), or None when unknown."""
        return self.prices.get(model or self.model)


class Settings(_Section):
    """Every setting of tailor, grouped by section."""

    provider: ProviderSettings
    tailoring: TailoringSettings
    cache: CacheSettings
    limits: LimitsSettings
    batch: BatchSettings
    history: HistorySettings
    simulated: SimulatedSettings
    openai: OpenAISettings

    @property
    def cache_dir(self) -> Path:
        """The L2 cache folder: the setting, else the platform's user cache folder (as platformdirs names it)."""
        if self.cache.dir is not None:
            return self.cache.dir
        from tailor.pipeline.user_dirs import user_cache_dir

        return Path(user_cache_dir())

    @property
    def data_dir(self) -> Path:
        """Where run history lives: the setting, else the platform's user data folder."""
        if self.history.dir is not None:
            return self.history.dir
        from tailor.pipeline.user_dirs import user_data_dir

        return Path(user_data_dir())

    @property
    def history_path(self) -> Path:
        return self.data_dir / "history.sqlite3"

    def fingerprint(self, taxonomy_version: str | None = None) -> str:
        """A short hash of the settings that change results, for cache keys.

        Only the tailoring section, the provider (and its model when it is an
        LLM) and the skills taxonomy count: cache, batch, history or latency
        settings change how fast a result comes, never what it is. The taxonomy
        version defaults to a hash of the shipped config/skills.yaml.
        """
        material: dict[str, Any] = {
            "tailoring": self.tailoring.model_dump(mode="json"),
            "provider": self.provider.name,
            "model": self.openai.model if self.provider.name == "openai" else None,
            "taxonomy": taxonomy_version if taxonomy_version is not None else taxonomy_hash(),
        }
        canonical = json.dumps(material, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@functools.cache
def taxonomy_hash() -> str:
    """Content hash of the shipped skills taxonomy (read once per process)."""
    try:
        return hashlib.sha256(TAXONOMY_FILE.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return "none"
