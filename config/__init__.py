"""tailor's settings: a validated pydantic model loaded from defaults, a user file, TAILOR_* variables and flags."""

from __future__ import annotations

from tailor.config._loading import (
    DEFAULTS_FILE,
    ENV_ALIASES,
    LoadedSettings,
    default_settings,
    load_settings,
)
from tailor.config._profiles import (
    STAGE_NAMES,
    LatencyProfile,
    available_profiles,
    load_profile,
)
from tailor.config.settings import (
    BatchSettings,
    CacheSettings,
    HistorySettings,
    LimitsSettings,
    ModelPrice,
    OpenAISettings,
    ProviderSettings,
    Settings,
    SimulatedSettings,
    TailoringSettings,
)

__all__ = [
    "DEFAULTS_FILE",
    "ENV_ALIASES",
    "STAGE_NAMES",
    "BatchSettings",
    "CacheSettings",
    "HistorySettings",
    "LatencyProfile",
    "LimitsSettings",
    "LoadedSettings",
    "ModelPrice",
    "OpenAISettings",
    "ProviderSettings",
    "Settings",
    "SimulatedSettings",
    "TailoringSettings",
    "available_profiles",
    "default_settings",
    "load_profile",
    "load_settings",
]
