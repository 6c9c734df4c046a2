"""openai.max_tokens.* and openai.circuit_cooldown_seconds: declared, layered, reported and validated like the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tailor.pipeline.errors import ConfigError
from tests.config.conftest import load


def test_shipped_defaults(tmp_path: Path) -> None:
    openai = load(tmp_path).settings.openai
    assert (openai.max_tokens.job_analysis, openai.max_tokens.rewrite) == (512, 1536)
    assert openai.circuit_cooldown_seconds == 30


def test_each_layer_sets_them_and_config_show_names_the_source(tmp_path: Path) -> None:
    (tmp_path / "tailor.yaml").write_text(
        "openai:\n  max_tokens:\n    job_analysis: 256\n  circuit_cooldown_seconds: 90\n", encoding="utf-8")
    env = {"TAILOR_OPENAI__MAX_TOKENS__REWRITE": "2048"}
    loaded = load(tmp_path, env, overrides={"openai.circuit_cooldown_seconds": 0})
    rows = {key: (value, source) for key, value, source in loaded.items()}
    assert rows["openai.max_tokens.job_analysis"] == (256, "file:tailor.yaml")
    assert rows["openai.max_tokens.rewrite"] == (2048, "env:TAILOR_OPENAI__MAX_TOKENS__REWRITE")
    assert rows["openai.circuit_cooldown_seconds"] == (0.0, "flag")  # 0 is allowed: it turns the circuit off


def test_config_show_json_lists_them(tailor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TAILOR_OPENAI__CIRCUIT_COOLDOWN_SECONDS", "12.5")
    code, out, _ = tailor("config", "show", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["openai.circuit_cooldown_seconds"] == {"value": 12.5, "source": "env:TAILOR_OPENAI__CIRCUIT_COOLDOWN_SECONDS"}
    assert shown["openai.max_tokens.rewrite"] == {"value": 1536, "source": "default"}


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("openai:\n  max_tokens:\n    rewrite: 0\n", "tailor.yaml: openai.max_tokens.rewrite: must be >= 1, got 0"),
        ("openai:\n  max_tokens:\n    rewrite: true\n", "openai.max_tokens.rewrite: expected a number, got True"),
        ("openai:\n  max_tokens:\n    rewrite: lots\n", "openai.max_tokens.rewrite: expected an integer, got 'lots'"),
        ("openai:\n  max_tokens: 1024\n", "openai.max_tokens: expected a section of key: value pairs, got 1024"),
        ("openai:\n  max_tokens:\n    rewrites: 900\n",
         "openai.max_tokens.rewrites: unknown setting (did you mean openai.max_tokens.rewrite?)"),
        ("openai:\n  circuit_cooldown_seconds: -1\n", "openai.circuit_cooldown_seconds: must be >= 0, got -1"),
        ("openai:\n  circuit_cooldown_seconds: soon\n", "openai.circuit_cooldown_seconds: expected a number, got 'soon'"),
        ("openai:\n  cooldown_seconds: 5\n", "openai.cooldown_seconds: unknown setting"),
    ],
)
def test_bad_values_name_the_file_key_and_problem(tmp_path: Path, yaml_text: str, expected: str) -> None:
    (tmp_path / "tailor.yaml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_env_value_out_of_range_names_the_variable(tmp_path: Path) -> None:
    expected = r"^TAILOR_OPENAI__MAX_TOKENS__JOB_ANALYSIS \(openai.max_tokens.job_analysis\): must be >= 1"
    with pytest.raises(ConfigError, match=expected):
        load(tmp_path, {"TAILOR_OPENAI__MAX_TOKENS__JOB_ANALYSIS": "-5"})


def test_they_do_not_change_the_cache_fingerprint(tmp_path: Path) -> None:
    # A cached model reply was complete and valid whatever budget it was asked with, and the
    # circuit only decides whether a request is sent: neither changes what a run produces.
    def fp(**overrides: object) -> str:
        return load(tmp_path, overrides={"provider.name": "openai", **overrides}).settings.fingerprint("t")

    base = fp()
    assert fp(**{"openai.max_tokens.rewrite": 4000}) == base
    assert fp(**{"openai.max_tokens.job_analysis": 64}) == base
    assert fp(**{"openai.circuit_cooldown_seconds": 0}) == base
    assert fp(**{"openai.model": "other"}) != base  # the fingerprint does follow the provider's model
