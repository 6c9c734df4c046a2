"""Load settings for a command: defaults < file < TAILOR_* env < flags."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tailor.config import Settings

# Flag name -> dotted settings key it overrides.
FLAG_KEYS = {
    "fmt": "tailoring.output_format",
    "mode": "tailoring.mode",
    "tone": "tailoring.tone",
    "length": "tailoring.length",
    "provider": "provider.name",
    "fallback": "provider.fallback",
    "profile": "simulated.profile",
    "scale": "simulated.scale",
    "concurrency": "batch.concurrency",
    "workers": "batch.workers",
}


def settings_from_flags(config: Path | None, **flags: Any) -> Settings:
    from tailor.config import load_settings

    overrides = {FLAG_KEYS[name]: value for name, value in flags.items() if value is not None}
    return load_settings(config, overrides).settings
