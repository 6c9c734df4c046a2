"""Load Settings in layers: defaults < user file < TAILOR_* environment < flags.

The layers are merged as plain dicts, remembering which layer set each key,
and validated once; a validation error is then reported against the layer
that supplied the bad value (the file and key, or the variable, or the flag).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from tailor.config.settings import PACKAGE_DIR, Settings
from tailor.pipeline.errors import ConfigError

DEFAULTS_FILE = PACKAGE_DIR / "defaults.yaml"
LOCAL_FILE_NAME = "tailor.yaml"
ENV_PREFIX = "TAILOR_"
# Short names people already use for the settings they set most often.
ENV_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "TAILOR_PROVIDER": "provider.name",
        "TAILOR_REDIS_URL": "cache.redis_url",
        "TAILOR_CACHE_DIR": "cache.dir",
        "TAILOR_DATA_DIR": "history.dir",
    }
)
_MAX_CONFIG_BYTES = 1_000_000  # a settings file past this is a wrong path, not a config
_NULL_WORDS = frozenset({"", "null", "none", "~"})

Key = tuple[str, ...]


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus, for every dotted key, the layer it came from."""

    settings: Settings
    sources: Mapping[str, str]  # dotted key -> "default" | "file:<path>" | "env:TAILOR_X" | "flag"
    config_file: Path | None = None  # the user file that was read, if any

    def items(self) -> list[tuple[str, Any, str]]:
        """(dotted key, JSON-ready value, source) for every setting, sorted by key."""
        dumped = self.settings.model_dump(mode="json")
        rows = []
        for key in _leaf_keys():
            value: Any = dumped
            for part in key:
                value = value[part]
            dotted = ".".join(key)
            source = self.sources.get(dotted, "default")
            if value is None and dotted in _RESOLVED_FOLDERS:
                # Unset means "the platform's folder": show the folder in use, not None.
                attribute, where = _RESOLVED_FOLDERS[dotted]
                value, source = str(getattr(self.settings, attribute)), f"default ({where})"
            rows.append((dotted, value, source))
        return sorted(rows, key=lambda row: row[0])


# Settings whose unset value means a platform folder: dotted key -> (Settings property, what it is).
_RESOLVED_FOLDERS = {
    "cache.dir": ("cache_dir", "the user cache folder"),
    "history.dir": ("data_dir", "the user data folder"),
}


@dataclass
class _Layers:
    """The merged raw values and, per key path set, which layer set it last."""

    data: dict[str, Any] = field(default_factory=dict)
    set_by: dict[Key, tuple[int, str]] = field(default_factory=dict)  # path -> (layer index, source)
    bases: dict[str, Path] = field(default_factory=dict)  # file source -> folder for relative paths
    layer: int = 0

    def add(self, values: Mapping[str, Any], source: str | Mapping[Key, str]) -> None:
        """Merge one layer; ``source`` is one label, or a label per key path (env)."""
        self.layer += 1
        _deep_merge(self.data, values)
        for path in _paths(values):
            if isinstance(source, str):
                label = source
            else:  # a variable holding JSON sets paths below its own key
                label = next(source[path[:end]] for end in range(len(path), 0, -1) if path[:end] in source)
            self.set_by[path] = (self.layer, label)

    def source_of(self, loc: Key) -> str:
        """The source of the value at ``loc``: the nearest set path above it, else the latest below it."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.set_by:
                return self.set_by[loc[:end]][1]
        below = [hit for path, hit in self.set_by.items() if path[: len(loc)] == loc]
        return max(below)[1] if below else "default"


def load_settings(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> LoadedSettings:
    """Settings from defaults, a user file, ``TAILOR_*`` variables and flag overrides.

    ``overrides`` maps dotted keys to values given on the command line; a None
    value means the flag was not given and is skipped. Raises ConfigError.
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    layers = _Layers()
    layers.add(_defaults(), "default")

    user_file = _find_user_file(config_file, cwd)
    if user_file is not None:
        shown = _display(user_file, cwd)
        layers.add(read_yaml(user_file, shown), f"file:{shown}")
        layers.bases[f"file:{shown}"] = user_file.resolve().parent

    env_values, env_sources = _from_env(env)
    if env_values:
        layers.add(env_values, env_sources)

    if overrides:
        flag_values: dict[str, Any] = {}
        for dotted, value in overrides.items():
            if value is not None:
                _set(flag_values, tuple(dotted.split(".")), value)
        layers.add(flag_values, "flag")

    settings = _validate(layers)
    settings = _resolve_folders(settings, layers, cwd)
    sources = {".".join(key): layers.source_of(key) for key in _leaf_keys()}
    return LoadedSettings(settings, MappingProxyType(sources), user_file)


def default_settings() -> Settings:
    """The shipped defaults alone, ignoring user files and the environment (for tests and tools)."""
    return _default_settings()


@functools.cache
def _default_settings() -> Settings:
    layers = _Layers()
    layers.add(_defaults(), "default")
    return _validate(layers)


# --- layers -----------------------------------------------------------------


@functools.cache
def _defaults_frozen() -> str:
    """defaults.yaml as JSON: parsed once, kept beside it, so a start without a user file never loads YAML.

    Handed out as JSON so callers can't mutate the cached copy. The JSON sits in ``__pycache__``
    beside the YAML, named by the YAML's digest (a changed file is parsed again), and is only a
    copy: when it cannot be read or written, the YAML is parsed as before.
    """
    raw = DEFAULTS_FILE.read_bytes()
    kept = DEFAULTS_FILE.parent / "__pycache__" / f"defaults.{hashlib.sha256(raw).hexdigest()[:20]}.json"
    try:
        text = kept.read_text(encoding="utf-8")
        if isinstance(json.loads(text), dict):
            return text
    except (OSError, ValueError):
        pass
    text = json.dumps(read_yaml(DEFAULTS_FILE, str(DEFAULTS_FILE)))
    try:
        kept.parent.mkdir(exist_ok=True)
        temporary = kept.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, kept)
    except OSError:
        pass  # a read-only install: parse it each time
    return text


def _defaults() -> dict[str, Any]:
    return json.loads(_defaults_frozen())


def _find_user_file(explicit: Path | None, cwd: Path) -> Path | None:
    if explicit is not None:
        explicit = Path(explicit).expanduser()
        if not explicit.is_absolute():
            explicit = cwd / explicit
        if not explicit.is_file():
            problem = "is a folder, not a file" if explicit.is_dir() else "no such file"
            raise ConfigError(f"{explicit}: {problem}")
        return explicit
    local = cwd / LOCAL_FILE_NAME
    if local.is_file():
        return local
    from tailor.pipeline.user_dirs import user_config_dir

    user = Path(user_config_dir()) / "config.yaml"
    return user if user.is_file() else None


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def read_yaml(path: Path, shown: str) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > _MAX_CONFIG_BYTES:
            raise ConfigError(f"{shown}: {size:,} bytes is too large for a settings file")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    import yaml  # only for a settings file: the defaults come from their JSON copy

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{shown}: {_yaml_problem(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected sections (key: value) at the top level, got {_kind(data)}")
    bad = [key for key in data if not isinstance(key, str)]
    if bad:
        raise ConfigError(f"{shown}: section names must be text, got {bad[0]!r}")
    return data


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"line {mark.line + 1}, column {mark.column + 1}: invalid YAML: {problem}"


def _from_env(env: Mapping[str, str]) -> tuple[dict[str, Any], dict[Key, str]]:
    """Nested values from TAILOR_* variables; the long form beats an alias of the same key."""
    values: dict[str, Any] = {}
    sources: dict[Key, str] = {}
    named = [(name, tuple(ENV_ALIASES[name].split("."))) for name in ENV_ALIASES if name in env]
    # Variables without "__" that are not aliases belong to something else (e.g. test toggles): ignored.
    named += sorted(
        (name, tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__")))
        for name in env
        if name.startswith(ENV_PREFIX) and "__" in name
    )
    for name, key in named:
        if not all(key):
            raise ConfigError(f"{name}: expected TAILOR_<SECTION>__<KEY>, e.g. TAILOR_CACHE__L1_MAX_ENTRIES")
        _set(values, key, _env_value(env[name], name))
        sources[key] = f"env:{name}"
    return values, sources


def _env_value(raw: str, name: str) -> Any:
    # Plain strings are left to pydantic's lax coercion ("10" -> 10, "false" -> False);
    # only null and JSON mappings/lists need decoding first.
    text = raw.strip()
    if text.lower() in _NULL_WORDS:
        return None
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{name}: invalid JSON at column {exc.colno}: {exc.msg}") from None
    return text


# --- validation -------------------------------------------------------------


def _validate(layers: _Layers) -> Settings:
    try:
        return Settings.model_validate(layers.data)
    except ValidationError as exc:
        problems = [_describe(error, layers) for error in exc.errors(include_url=False)]
        extra = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ConfigError("; ".join(problems[:3]) + extra) from None


def _describe(error: Mapping[str, Any], layers: _Layers) -> str:
    loc = tuple(str(part) for part in error["loc"])
    source = layers.source_of(loc)
    dotted = ".".join(loc) or "(top level)"
    problem = _problem(error, loc)
    if source.startswith("file:"):
        return f"{source[5:]}: {dotted}: {problem}"
    if source.startswith("env:"):
        return f"{source[4:]} ({dotted}): {problem}"
    if source == "flag":
        return f"flag {dotted}: {problem}"
    return f"{DEFAULTS_FILE}: {dotted}: {problem}"


def _problem(error: Mapping[str, Any], loc: Key) -> str:
    kind = error["type"]
    got = _shown(error.get("input"))
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        what = "unknown section" if len(loc) == 1 else "unknown setting"
        return what + _suggestion(loc)
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"expected an integer, got {got}"
    if kind in {"float_parsing", "float_type"}:
        return f"expected a number, got {got}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"expected true or false, got {got}"
    if kind == "string_type":
        return f"expected text, got {got}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a section of key: value pairs, got {got}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {got}"
    if kind == "missing":
        return "missing (every setting needs a value)"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        limit = next(iter(ctx.values()))
        return f"must be {sign} {limit:g}, got {got}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg'][:1].lower()}{error['msg'][1:]}, got {got}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    names: dict[type, str] = {list: "a list", str: "text"}
    return names.get(type(value), type(value).__name__)


def _suggestion(loc: Key) -> str:
    model: type[BaseModel] | None = Settings
    for part in loc[:-1]:
        annotation = model.model_fields[part].annotation if model and part in model.model_fields else None
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    if model is None:
        return ""
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1)
    return f" (did you mean {'.'.join((*loc[:-1], close[0]))}?)" if close else ""


def _resolve_folders(settings: Settings, layers: _Layers, cwd: Path) -> Settings:
    """Relative folders are relative to the file that named them, else to the working folder."""
    updates: dict[str, Any] = {}
    for section in ("cache", "history"):
        folder: Path | None = getattr(settings, section).dir
        if folder is None or folder.is_absolute():
            continue
        base = layers.bases.get(layers.source_of((section, "dir")), cwd)
        updates[section] = getattr(settings, section).model_copy(update={"dir": base / folder})
    return settings.model_copy(update=updates) if updates else settings


# --- dict helpers -----------------------------------------------------------


@functools.cache
def _leaf_keys() -> tuple[Key, ...]:
    """Every settings key down to the first non-section value (e.g. openai.prices is one key)."""

    def walk(model: type[BaseModel], prefix: Key) -> Iterator[Key]:
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield from walk(annotation, (*prefix, name))
            else:
                yield (*prefix, name)

    return tuple(walk(Settings, ()))


def _deep_merge(into: dict[str, Any], values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = _plain(value)


def _plain(value: Any) -> Any:
    # Copy nested mappings so a later merge never mutates a layer's own dict.
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, Mapping) else value


def _paths(values: Mapping[str, Any], prefix: Key = ()) -> Iterator[Key]:
    for key, value in values.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            yield from _paths(value, path)
        else:
            yield path


def _set(values: dict[str, Any], key: Key, value: Any) -> None:
    for part in key[:-1]:
        values = values.setdefault(part, {})
    values[key[-1]] = value
