"""A JSON Resume (JSON or YAML) edited field by field: everything not edited stays as it was.

Paths are dotted, with list indexes into the data as written ("work.0.highlights.2",
"skills.1.keywords"). Text edits are applied first, then moves, then removals
(highest index first), so every path refers to the original data.

JSON keeps its key order and indentation. YAML is written back by PyYAML's safe
dumper: keys in order and every value kept, but not comments or anchors (PyYAML
cannot round-trip them; a source with comments loses them in the output).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Replace:
    """The first ``old`` in the string at ``path`` (or in one keyword of a list there) becomes ``new``."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class AppendItems:
    """``items`` added to the list at ``path`` (a skills entry's keywords); after a bare-string entry
    (``skills.3``), they are added as bare-string entries after it."""

    path: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class AddSkills:
    """A new skills entry ``{"name": name, "keywords": items}`` (``skills`` made if absent)."""

    items: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class SetSummary:
    """``basics.summary`` set, when it is empty or absent."""

    text: str


@dataclass(frozen=True)
class Reorder:
    """Items of one list at ``paths``: slot i receives the item at ``paths[order[i]]``."""

    paths: tuple[str, ...]
    order: tuple[int, ...]


@dataclass(frozen=True)
class Remove:
    """The list item at ``path`` removed."""

    path: str


FieldOp = Replace | AppendItems | AddSkills | SetSummary | Reorder | Remove


def _parent(data: Any, path: str) -> tuple[Any, str | int]:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, int(last) if isinstance(node, list) else last


def _get(data: Any, path: str) -> Any:
    node, key = _parent(data, path)
    return node[key]


def _set(data: Any, path: str, value: Any) -> None:
    node, key = _parent(data, path)
    node[key] = value


def _replace(data: Any, op: Replace) -> None:
    value = _get(data, op.path)
    if isinstance(value, str) and op.old in value:
        _set(data, op.path, value.replace(op.old, op.new, 1))
        return
    if isinstance(value, list):
        for n, item in enumerate(value):
            if isinstance(item, str) and op.old in item:
                value[n] = item.replace(op.old, op.new, 1)
                return
    raise ValueError(f"{op.path}: {op.old!r} is not there")


def apply_fields(data: Any, ops: Sequence[FieldOp]) -> Any:
    """A deep copy of ``data`` with ``ops`` applied."""
    out = copy.deepcopy(data)
    for op in ops:
        if isinstance(op, Replace):
            _replace(out, op)
        elif isinstance(op, AppendItems):
            target = _get(out, op.path)
            if isinstance(target, list):
                target.extend(op.items)
            else:
                node, key = _parent(out, op.path)
                if isinstance(node, list) and isinstance(key, int):
                    node[key + 1:key + 1] = list(op.items)
                else:
                    _set(out, op.path, [target, *op.items])
        elif isinstance(op, AddSkills):
            skills = out.setdefault("skills", [])
            if not isinstance(skills, list):
                out["skills"] = skills = [skills]
            skills.append({"name": op.name, "keywords": list(op.items)})
        elif isinstance(op, SetSummary):
            basics = out.setdefault("basics", {})
            if isinstance(basics, dict) and not basics.get("summary"):
                basics["summary"] = op.text
    for op in ops:
        if isinstance(op, Reorder):
            moved = [_get(out, path) for path in op.paths]
            for slot, source in zip(op.paths, op.order, strict=True):
                _set(out, slot, moved[source])
    removals = sorted((op.path for op in ops if isinstance(op, Remove)), key=_removal_key, reverse=True)
    for path in removals:
        node, key = _parent(out, path)
        del node[key]
    return out


def _removal_key(path: str) -> tuple[str, int]:
    parent, _, last = path.rpartition(".")
    return (parent, int(last) if last.isdigit() else -1)


_INDENT_RE = re.compile(r"^[{\[]\s*\n([ \t]+)\S", re.MULTILINE)


def dump(data: Any, fmt: str, original: str) -> str:
    """``data`` as JSON ("json": the original's indentation, key order, UTF-8) or YAML (block style, no line wrapping)."""
    if fmt == "json":
        found = _INDENT_RE.search(original.lstrip())
        indent: int | str = 2
        if found:
            indent = found.group(1) if "\t" in found.group(1) else len(found.group(1))
        return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
