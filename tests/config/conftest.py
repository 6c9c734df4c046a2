"""Settings tests never see the user's own config: XDG folders point at empty tmp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tailor.config import LoadedSettings, load_settings


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Point platformdirs at empty folders so a real ~/.config/tailor never leaks into a test.
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))


def load(cwd: Path, env: dict[str, str] | None = None, **kwargs: object) -> LoadedSettings:
    """Settings as loaded in ``cwd`` with only ``env`` for environment."""
    return load_settings(env=env or {}, cwd=cwd, **kwargs)  # type: ignore[arg-type]
