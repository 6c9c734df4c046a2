"""Settings layering, sources, error messages and the fingerprint, on real files."""

# No __init__.py in this folder on purpose: as a package it would be imported as
# `config` and shadow the real config package.

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from tailor.config import (
    DEFAULTS_FILE,
    ENV_ALIASES,
    Settings,
    default_settings,
)
from tailor.pipeline.errors import ConfigError
from tests.config.conftest import load


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- layering ---------------------------------------------------------------


def test_defaults_alone_come_from_the_shipped_file(tmp_path: Path) -> None:
    loaded = load(tmp_path)
    assert loaded.config_file is None
    assert set(loaded.sources.values()) == {"default"}
    assert loaded.settings.tailoring.target_score == 80
    assert loaded.settings.cache.ttl_seconds == 7 * 86_400
    assert loaded.settings.cache.stale_after_seconds == 86_400
    assert loaded.settings.openai.api_key_env == "OPENAI_API_KEY"
    assert loaded.settings == default_settings()


def test_each_layer_beats_the_one_below_and_reports_itself(tmp_path: Path) -> None:
    write(
        tmp_path / "tailor.yaml",
        "cache:\n  l1_max_entries: 10\n  compress_threshold_bytes: 100\n  ttl_seconds: 3600\n"
        "tailoring:\n  tone: formal\n",
    )
    env = {"TAILOR_CACHE__L1_MAX_ENTRIES": "20", "TAILOR_CACHE__COMPRESS_THRESHOLD_BYTES": "200"}
    loaded = load(tmp_path, env, overrides={"cache.l1_max_entries": 30, "tailoring.mode": None})

    cache = loaded.settings.cache
    assert (cache.l1_max_entries, cache.compress_threshold_bytes, cache.ttl_seconds) == (30, 200, 3600)
    assert loaded.settings.tailoring.tone == "formal"
    assert loaded.settings.tailoring.mode == "full"  # a None override is a flag left unset
    assert loaded.sources["cache.l1_max_entries"] == "flag"
    assert loaded.sources["cache.compress_threshold_bytes"] == "env:TAILOR_CACHE__COMPRESS_THRESHOLD_BYTES"
    assert loaded.sources["cache.ttl_seconds"] == "file:tailor.yaml"
    assert loaded.sources["tailoring.tone"] == "file:tailor.yaml"
    assert loaded.sources["tailoring.mode"] == "default"
    assert loaded.config_file == tmp_path / "tailor.yaml"


def test_user_file_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_dir = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user_dir))
    work = tmp_path / "work"
    work.mkdir()
    write(user_dir / "tailor" / "config.yaml", "batch:\n  concurrency: 3\n")
    assert load(work).settings.batch.concurrency == 3
    assert load(work).sources["batch.concurrency"].endswith("tailor/config.yaml")

    write(work / "tailor.yaml", "batch:\n  concurrency: 4\n")
    assert load(work).settings.batch.concurrency == 4

    explicit = write(tmp_path / "elsewhere.yml", "batch:\n  concurrency: 5\n")
    loaded = load(work, config_file=explicit)
    assert loaded.settings.batch.concurrency == 5
    assert loaded.sources["batch.concurrency"] == f"file:{explicit}"


def test_explicit_relative_config_is_relative_to_cwd(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "mine.yaml", "batch:\n  workers: 2\n")
    loaded = load(tmp_path, config_file=Path("conf/mine.yaml"))
    assert loaded.settings.batch.workers == 2
    assert loaded.settings.batch.effective_workers == 2
    assert loaded.sources["batch.workers"] == "file:conf/mine.yaml"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such file"):
        load(tmp_path, config_file=tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="is a folder"):
        load(tmp_path, config_file=tmp_path)


def test_items_are_every_key_flattened_sorted_with_sources(tmp_path: Path) -> None:
    loaded = load(tmp_path, {"TAILOR_PROVIDER": "simulated"})
    items = loaded.items()
    keys = [key for key, _, _ in items]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys)) == len(loaded.sources)
    row = {key: (value, source) for key, value, source in items}
    assert row["provider.name"] == ("simulated", "env:TAILOR_PROVIDER")
    # Unset folders show the folder in use (issue 18: not "cache.dir None").
    assert row["cache.dir"] == (str(loaded.settings.cache_dir), "default (the user cache folder)")
    assert row["history.dir"] == (str(loaded.settings.data_dir), "default (the user data folder)")
    # A mapping-valued setting stays one key, so model names with dots are not split.
    assert row["openai.prices"][0]["gpt-4o-mini"] == {"input": 0.15, "output": 0.6}


# --- environment ------------------------------------------------------------


def test_aliases_map_to_their_keys(tmp_path: Path) -> None:
    env = {
        "TAILOR_REDIS_URL": "redis://cache.internal:6379/2",
        "TAILOR_CACHE_DIR": str(tmp_path / "c"),
        "TAILOR_DATA_DIR": str(tmp_path / "d"),
        "TAILOR_PROVIDER": "openai",
    }
    loaded = load(tmp_path, env)
    s = loaded.settings
    assert s.cache.redis_url == "redis://cache.internal:6379/2"
    assert s.cache_dir == tmp_path / "c"
    assert s.data_dir == tmp_path / "d"
    assert s.history_path == tmp_path / "d" / "history.sqlite3"
    assert s.provider.name == "openai"
    assert {loaded.sources[key] for key in ENV_ALIASES.values()} == {f"env:{name}" for name in env}


def test_long_form_beats_alias_and_unrelated_variables_are_ignored(tmp_path: Path) -> None:
    env = {"TAILOR_PROVIDER": "openai", "TAILOR_PROVIDER__NAME": "simulated", "TAILOR_DEBUG": "1", "HOME": "/x"}
    loaded = load(tmp_path, env)
    assert loaded.settings.provider.name == "simulated"
    assert loaded.sources["provider.name"] == "env:TAILOR_PROVIDER__NAME"


def test_env_strings_are_coerced_and_null_words_mean_none(tmp_path: Path) -> None:
    env = {
        "TAILOR_CACHE__ENABLED": "false",
        "TAILOR_CACHE__REDIS_URL": "null",
        "TAILOR_BATCH__WORKERS": " 3 ",
        "TAILOR_SIMULATED__SCALE": "0.5",
        "TAILOR_OPENAI__PRICES": '{"llama-3.1-8b": {"input": 0, "output": 0}}',
    }
    s = load(tmp_path, env).settings
    assert s.cache.enabled is False
    assert s.cache.redis_url is None
    assert s.batch.workers == 3
    assert s.simulated.scale == 0.5
    # Mappings merge: the new model joins the shipped prices.
    assert set(s.openai.prices) == {"gpt-4o-mini", "gpt-4o", "llama-3.1-8b"}
    assert s.openai.price("llama-3.1-8b") is not None and s.openai.price("unknown") is None


def test_env_type_error_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, {"TAILOR_CACHE__L1_MAX_ENTRIES": "lots"})
    assert str(info.value) == "TAILOR_CACHE__L1_MAX_ENTRIES (cache.l1_max_entries): expected an integer, got 'lots'"


def test_env_unknown_key_and_bad_json_name_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^TAILOR_CACHE__TTL \(cache\.ttl\): unknown setting"):
        load(tmp_path, {"TAILOR_CACHE__TTL": "5"})
    with pytest.raises(ConfigError, match=r"^TAILOR_NOPE__X \(nope\): unknown section"):
        load(tmp_path, {"TAILOR_NOPE__X": "5"})
    with pytest.raises(ConfigError, match=r"^TAILOR_OPENAI__PRICES: invalid JSON"):
        load(tmp_path, {"TAILOR_OPENAI__PRICES": "{oops"})
    with pytest.raises(ConfigError, match=r"^TAILOR_CACHE__: expected TAILOR_<SECTION>__<KEY>"):
        load(tmp_path, {"TAILOR_CACHE__": "5"})


# --- file errors ------------------------------------------------------------


def test_wrong_type_in_file_names_file_key_and_problem(tmp_path: Path) -> None:
    write(tmp_path / "tailor.yaml", "cache:\n  l1_max_entries: lots\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value) == "tailor.yaml: cache.l1_max_entries: expected an integer, got 'lots'"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("tailoring:\n  mode: maybe\n", "tailoring.mode: expected one of 'full' or 'partial', got 'maybe'"),
        ("tailoring:\n  target_score: 150\n", "tailoring.target_score: must be <= 100, got 150"),
        ("cache:\n  enabled: sometimes\n", "cache.enabled: expected true or false, got 'sometimes'"),
        ("cache:\n  l1_max_entries: true\n", "cache.l1_max_entries: expected a number, got True"),
        ("cache:\n  l1_max_entries: 10.5\n", "cache.l1_max_entries: expected an integer, got 10.5"),
        ("cache: 5\n", "cache: expected a section of key: value pairs, got 5"),
        ("openai:\n  model: 4\n", "openai.model: expected text, got 4"),
        ("openai:\n  api_key_env: sk-live-123\n", "openai.api_key_env: string should match pattern"),
        ("openai:\n  prices:\n    mine: {input: cheap, output: 1}\n", "openai.prices.mine.input: expected a number"),
    ],
)
def test_file_value_errors_read_well(tmp_path: Path, yaml_text: str, expected: str) -> None:
    write(tmp_path / "tailor.yaml", yaml_text)
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    message = str(info.value)
    assert message.startswith(f"tailor.yaml: {expected}")
    assert "\n" not in message


def test_unknown_key_is_rejected_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path / "tailor.yaml", "cache:\n  l1_max_entires: 10\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value) == (
        "tailor.yaml: cache.l1_max_entires: unknown setting (did you mean cache.l1_max_entries?)"
    )
    write(tmp_path / "tailor.yaml", "chache:\n  enabled: false\n")
    with pytest.raises(ConfigError, match=r"^tailor\.yaml: chache: unknown section \(did you mean cache\?\)$"):
        load(tmp_path)


def test_unknown_flag_key_names_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^flag tailoring\.tones: unknown setting \(did you mean tailoring\.tone\?"):
        load(tmp_path, overrides={"tailoring.tones": "formal"})
    with pytest.raises(ConfigError, match=r"^flag tailoring\.target_score: expected a number, got 'high'"):
        load(tmp_path, overrides={"tailoring.target_score": "high"})


def test_several_problems_are_reported_together_on_one_line(tmp_path: Path) -> None:
    write(tmp_path / "tailor.yaml", "batch:\n  concurrency: 0\n  workers: many\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    message = str(info.value)
    assert "batch.concurrency: must be >= 1, got 0" in message
    assert "batch.workers: expected an integer, got 'many'" in message
    assert "\n" not in message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path / "tailor.yaml", "cache:\n  enabled: true\n  dir: [unclosed\nbatch:\n  concurrency: 2\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert re.match(r"^tailor\.yaml: line \d+, column \d+: invalid YAML: ", str(info.value))
    write(tmp_path / "tailor.yaml", "cache:\n  enabled: true\n   dir: x\n")
    with pytest.raises(ConfigError, match=r"^tailor\.yaml: line 3, column 7: invalid YAML: mapping values"):
        load(tmp_path)


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    write(tmp_path / "tailor.yaml", "cache: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"- cache\n- batch\n", "expected sections (key: value) at the top level, got a list"),
        (b"just words\n", "expected sections (key: value) at the top level, got text"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"1: 2\n", "section names must be text, got 1"),
    ],
)
def test_messy_files_are_rejected_with_the_file_named(tmp_path: Path, raw: bytes, expected: str) -> None:
    (tmp_path / "tailor.yaml").write_bytes(raw)
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value) == f"tailor.yaml: {expected}"


def test_empty_file_bom_and_comments_only_are_fine(tmp_path: Path) -> None:
    (tmp_path / "tailor.yaml").write_bytes(b"")
    assert load(tmp_path).settings == default_settings()
    (tmp_path / "tailor.yaml").write_bytes(b"# nothing here yet\n")
    assert load(tmp_path).settings == default_settings()
    (tmp_path / "tailor.yaml").write_bytes("\ufeffbatch:\r\n  concurrency: 6\r\n".encode())
    assert load(tmp_path).settings.batch.concurrency == 6


def test_huge_config_file_is_refused_unread(tmp_path: Path) -> None:
    with (tmp_path / "tailor.yaml").open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB on paper, nothing to read
    with pytest.raises(ConfigError, match="too large for a settings file"):
        load(tmp_path)


# --- folders ----------------------------------------------------------------


def test_null_folders_mean_platform_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    s = load(tmp_path).settings
    assert s.cache.dir is None and s.history.dir is None
    assert s.cache_dir == tmp_path / "xc" / "tailor"
    assert s.data_dir == tmp_path / "xd" / "tailor"


def test_relative_folders_resolve_against_their_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = write(tmp_path / "etc" / "tailor.yaml", "cache:\n  dir: cache-here\nhistory:\n  dir: ~/hist\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    s = load(work, config_file=conf).settings
    assert s.cache_dir == tmp_path / "etc" / "cache-here"
    assert s.data_dir == tmp_path / "home" / "hist"
    s = load(work, {"TAILOR_CACHE_DIR": "rel"}, config_file=conf).settings
    assert s.cache_dir == work / "rel"


# --- model properties -------------------------------------------------------


def test_settings_and_loaded_settings_are_immutable(tmp_path: Path) -> None:
    loaded = load(tmp_path)
    with pytest.raises(ValidationError):
        loaded.settings.cache.enabled = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.settings = default_settings()  # type: ignore[misc]
    with pytest.raises(TypeError):
        loaded.sources["cache.dir"] = "flag"  # type: ignore[index]


def test_fingerprint_follows_result_settings_only(tmp_path: Path) -> None:
    def fp(**overrides: object) -> str:
        return load(tmp_path, overrides=overrides).settings.fingerprint()

    base = fp()
    assert re.fullmatch(r"[0-9a-f]{16}", base)
    assert fp() == base
    # Settings that change what a run produces change the fingerprint...
    assert fp(**{"tailoring.tone": "formal"}) != base
    assert fp(**{"tailoring.target_score": 85}) != base
    assert fp(**{"tailoring.mode": "partial"}) != base
    assert fp(**{"provider.name": "openai"}) != base
    assert fp(**{"provider.name": "openai", "openai.model": "gpt-4o"}) != fp(**{"provider.name": "openai"})
    # ...settings that only change speed or storage do not.
    for key, value in {
        "cache.l1_max_entries": 1,
        "cache.enabled": False,
        "cache.dir": str(tmp_path),
        "batch.concurrency": 1,
        "history.enabled": False,
        "simulated.scale": 1.0,
        "openai.model": "gpt-4o",  # not used while the provider is local
    }.items():
        assert fp(**{key: value}) == base, key
    settings = default_settings()
    assert settings.fingerprint("taxonomy-v1") != settings.fingerprint("taxonomy-v2")


def test_defaults_file_comments_every_setting() -> None:
    lines = DEFAULTS_FILE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^  [a-z_0-9]+:", line):
            assert lines[index - 1].lstrip().startswith("#"), f"defaults.yaml line {index + 1} has no comment"


def test_every_model_key_has_a_default() -> None:
    # Fields have no Python defaults: defaults.yaml is the one place, so the model must find every key there.
    assert default_settings() == Settings.model_validate(default_settings().model_dump())
    with pytest.raises(ValidationError):
        Settings.model_validate({})
