"""Compiled regexes kept on disk, so a new process does not compile them again.

Two stores: the skills matcher beside its YAML, and the domain's own module-level patterns
(``regex()``, ~120 of them, ~40 ms of every cold process). This is the one module that reaches
into ``re``'s private compiler. The taxonomy's regex (~40k
characters over ~5k aliases) takes ~0.3 s to parse and compile, in every process that reads a job
or a resume. ``re`` cannot save a compiled pattern, but its compiler's output -- the sre code, a
list of integers -- can be saved and handed back to ``_sre.compile``, which validates it and builds
the same pattern in ~2 ms (``python bench/run.py`` shows the cold run; tests/tailoring/test_compiled.py
checks the saved form matches exactly what ``re.compile`` gives).

The file lives in ``__pycache__`` next to the YAML, like bytecode, named by the interpreter
(``skills.cpython-311.taxonomy``), and holds the taxonomy's tables as JSON with the code as an
array of 32-bit words. It is used only when its digest matches the YAML and the code that builds
the matcher, the interpreter's sre version matches, and this user owns it and nobody else can write
it. Anything else -- another Python, a changed private API, an unwritable folder, a corrupt or
foreign file -- falls back to ``re.compile``: slower, never wrong.
"""

from __future__ import annotations

import array
import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

_FORMAT = b"tailor-taxonomy 2\n"
_CODE_TYPE = "I"  # 32-bit words: sre code on CPython (CODESIZE 4)


def _sre_tag() -> str:
    """The sre code's version on this interpreter: saved code runs only where it was made."""
    try:
        import _sre

        return f"{sys.implementation.cache_tag}:{_sre.MAGIC}:{_sre.CODESIZE}"
    except (ImportError, AttributeError):
        return ""


def digest_of(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def store_path(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.taxonomy"


def _code_of(pattern: str, flags: int) -> tuple[re.Pattern[str], dict[str, Any]] | None:
    """``re.compile(pattern, flags)`` through the private compiler, with what rebuilds it; None if unavailable."""
    try:
        import _sre
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        built = {"flags": flags | parsed.state.flags, "groups": parsed.state.groups - 1,
                 "groupindex": groupindex, "indexgroup": indexgroup}
        regex = _sre.compile(pattern, built["flags"], code, built["groups"], groupindex, tuple(indexgroup))
        built["code"] = code
        return regex, built
    except Exception:  # noqa: BLE001 - any change in the private API: the caller compiles the public way
        return None


def compile_and_save(source: Path, digest: str, tables: dict[str, Any], pattern: str, flags: int) -> re.Pattern[str]:
    """The compiled pattern; its code and ``tables`` saved beside ``source`` for the next process (if it can be)."""
    made = _code_of(pattern, flags) if _sre_tag() else None
    if made is None:
        return re.compile(pattern, flags)
    regex, built = made
    code = built.pop("code")
    payload = _pack(_FORMAT, {"digest": digest, "pattern": pattern, "built": built, "tables": tables}, [code])
    if payload is not None:
        _write(store_path(source), payload)
    return regex


def _pack(kind: bytes, header: dict[str, Any], codes: list[list[int]]) -> bytes | None:
    """A store file: ``kind``, the header's length and JSON (with this interpreter's sre tag), then the
    codes as 32-bit words; each code's place in them is ``(start, length)`` in ``header["spans"]``."""
    words = array.array(_CODE_TYPE)
    spans = []
    try:
        for code in codes:
            spans.append((len(words), len(code)))
            words.extend(code)
    except OverflowError:
        return None
    if words.itemsize != 4:
        return None
    data = json.dumps({**header, "sre": _sre_tag(), "spans": spans}).encode("utf-8")
    return kind + len(data).to_bytes(8, "little") + data + words.tobytes()


def _unpack(path: Path, kind: bytes) -> tuple[dict[str, Any], list[list[int]]] | None:
    """(header, codes) of a store file ``_pack`` wrote, or None: absent, foreign, another kind or
    interpreter, truncated."""
    try:
        if _foreign(path.parent) or _foreign(path):
            return None
        blob = path.read_bytes()
        if not blob.startswith(kind):
            return None
        at = len(kind)
        size = int.from_bytes(blob[at: at + 8], "little")
        header = json.loads(blob[at + 8: at + 8 + size])
        if header.get("sre") != _sre_tag():
            return None
        words = array.array(_CODE_TYPE)
        words.frombytes(blob[at + 8 + size:])
        return header, [words[start: start + length].tolist() for start, length in header["spans"]]
    except Exception:  # noqa: BLE001 - any unreadable file is simply not used
        return None


def _rebuild(pattern: str, built: dict[str, Any], code: list[int]) -> re.Pattern[str]:
    """The pattern from its saved sre code (``_sre.compile`` validates the code; it raises if it is bad)."""
    import _sre

    return _sre.compile(pattern, built["flags"], code, built["groups"], built["groupindex"],
                        tuple(built["indexgroup"]))


def _write(path: Path, payload: bytes) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        if _foreign(path.parent):
            return
        import tempfile  # only when writing: a cold start that reads the file does not pay for it

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".taxonomy-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only install: every process compiles, as before


def _foreign(path: Path) -> bool:
    """Whether someone else owns ``path`` or can write it: then what it holds is not ours to run."""
    info = os.stat(path)
    return info.st_uid != os.geteuid() or bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


# --- the domain's own patterns -----------------------------------------------------------------

_PATTERNS_FORMAT = b"tailor-patterns 2\n"
_saved: dict[str, tuple[dict[str, Any], list[int]]] | None = None  # key -> (built, code): read once per process
_made: dict[str, tuple[dict[str, Any], list[int]]] = {}  # compiled by this process: saved at exit


def _patterns_path() -> Path:
    return Path(__file__).parent / "__pycache__" / f"patterns.{sys.implementation.cache_tag}.store"


def _pattern_key(pattern: str, flags: int) -> str:
    return hashlib.sha1(f"{flags}\0{pattern}".encode(), usedforsecurity=False).hexdigest()


def _read_patterns() -> dict[str, tuple[dict[str, Any], list[int]]]:
    found = _unpack(_patterns_path(), _PATTERNS_FORMAT)
    if found is None:
        return {}
    header, codes = found
    try:
        return {key: (built, code) for (key, built), code in zip(header["entries"], codes, strict=True)}
    except (TypeError, ValueError):
        return {}


def _save_patterns() -> None:
    kept = {**(_saved or {}), **_made}
    payload = _pack(_PATTERNS_FORMAT, {"entries": [[key, built] for key, (built, _) in kept.items()]},
                    [code for _, code in kept.values()])
    if payload is not None:
        _write(_patterns_path(), payload)


def regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the compiled form an earlier process saved when there is one."""
    global _saved
    if not _sre_tag():
        return re.compile(pattern, flags)
    if _saved is None:
        _saved = _read_patterns()
    key = _pattern_key(pattern, flags)
    found = _saved.get(key) or _made.get(key)
    if found is not None:
        try:
            return _rebuild(pattern, *found)
        except Exception:  # noqa: BLE001 - saved by another build of the interpreter: compile anew
            pass
    made = _code_of(pattern, flags)
    if made is None:
        return re.compile(pattern, flags)
    compiled, built = made
    if not _made:
        import atexit

        atexit.register(_save_patterns)
    _made[key] = (built, built.pop("code"))
    return compiled


def load(source: Path, digest: str) -> tuple[re.Pattern[str], dict[str, Any]] | None:
    """(the compiled pattern, the tables) saved for ``digest``, or None (absent, stale, foreign or unreadable)."""
    if not _sre_tag():
        return None
    found = _unpack(store_path(source), _FORMAT)
    if found is None or found[0].get("digest") != digest:
        return None
    header, codes = found
    try:
        return _rebuild(header["pattern"], header["built"], codes[0]), header["tables"]
    except Exception:  # noqa: BLE001 - code that does not validate: compile anew
        return None
