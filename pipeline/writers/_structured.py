"""A JSON Resume (JSON or YAML) edited field by field: everything not edited stays as it was.

Paths are the reader's origins (``SourceDocument.origins``): dotted, list indexes
into the data as loaded ("work.0.highlights.2", "skills.1.keywords", "basics.summary",
"awards.0"); a lone value written where a list belongs has no index ("work.0.highlights").

``apply_fields`` applies operations to a deep copy. Every path refers to the
*original* data, whatever the other operations do: text edits (``Replace``,
``SetSummary``) come first, then ``Reorder``, ``AppendItems``, ``AddSkills``, and
removals last (deepest and highest index first). Lists that change shape keep a
map from their current positions to the original indexes, so an item inserted or
moved before another never makes a later path point at the wrong item.

``dump`` writes the result back: JSON in the original's indentation and key order;
YAML keeping the original's text (comments, quoting, flow lists, folded scalars)
for every part that did not change (see ``dump``).
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["AddSkills", "AppendItems", "FieldOp", "Remove", "Reorder", "Replace", "SetSummary", "apply_fields", "dump"]


@dataclass(frozen=True)
class Replace:
    """The first ``old`` in the text at ``path`` becomes ``new``; a ValueError when it is not there.

    The value at ``path`` may be a string (a number or YAML date counts as its text, and
    becomes a string), a list (a keywords path: the keyword equal to ``old``, else the
    first that holds it), or an entry (a line that is one entry, "awards.0" or a bare
    "skills.3": its first string field that holds it).
    """

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class AppendItems:
    """``items`` added where the skills line at ``path`` keeps its skills.

    - a list ("skills.0.keywords"), or a lone string where a list belongs: extended
      (the lone string becomes a list);
    - an entry that is a dict ("skills.0"): its ``keywords``, made if absent;
    - a bare-string entry ("skills.3", a line "- Python"): new bare-string entries
      right after it (and after any added there before), as its neighbours are written;
    - the name of a name-only entry ("skills.2.name", a line "- Go"): new
      ``{"name": item}`` entries right after it, as that entry is written.
    Adding items there never turns a skill into a heading of others ("Go: Rust").
    """

    path: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class AddSkills:
    """A new skills entry ``{"name": name, "keywords": [*items]}`` at the end (``skills`` made if absent)."""

    items: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class SetSummary:
    """``basics.summary`` set to ``text`` where it is absent or blank (``basics`` made first if absent);
    a ValueError when the resume has a summary of its own."""

    text: str


@dataclass(frozen=True)
class Reorder:
    """The items at ``paths``, all of one list: slot ``i`` (where ``paths[i]`` was) receives the item
    at ``paths[order[i]]``. A skills line's origin ("skills.1.keywords") stands for its entry."""

    paths: tuple[str, ...]
    order: tuple[int, ...]


@dataclass(frozen=True)
class Remove:
    """The list item at ``path`` removed; a path that ends in a key (a lone value where a list
    belongs, "work.0.highlights") removes that key. A skills line's origin stands for its entry."""

    path: str


FieldOp = Replace | AppendItems | AddSkills | SetSummary | Reorder | Remove

_LINE_ENTRIES = frozenset({"skills", "interests"})  # sections whose lines are "- Name: keywords"


def apply_fields(data: Any, ops: Sequence[FieldOp]) -> Any:
    """A deep copy of ``data`` (a JSON Resume as loaded) with ``ops`` applied; ``data`` is not changed."""
    tree = _Tree(copy.deepcopy(data))
    for op in ops:
        if not isinstance(op, (Replace, AppendItems, AddSkills, SetSummary, Reorder, Remove)):
            raise TypeError(f"not a field operation: {op!r}")
    for op in ops:
        if isinstance(op, Replace):
            tree.replace(op)
        elif isinstance(op, SetSummary):
            tree.set_summary(op.text)
    for op in ops:
        if isinstance(op, Reorder):
            tree.reorder(op)
    for op in ops:
        if isinstance(op, AppendItems):
            tree.append(op)
        elif isinstance(op, AddSkills):
            tree.add_skills(op)
    removals = dict.fromkeys(_entry_path(op.path) for op in ops if isinstance(op, Remove))
    for path in sorted(removals, key=_path_key, reverse=True):
        tree.remove(path)
    return tree.root


def _parts(path: str) -> list[str]:
    parts = path.split(".") if path else []
    if not parts or any(not part for part in parts):
        raise ValueError(f"not a field path: {path!r}")
    return parts


def _entry_path(path: str) -> str:
    """A skills (or interests) line's origin as its entry: "skills.1.keywords", "skills.1.name" -> "skills.1"."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in _LINE_ENTRIES and parts[1].isdigit() and parts[2] in ("keywords", "name"):
        return f"{parts[0]}.{parts[1]}"
    return path


def _path_key(path: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in path.split("."))


def _text(value: Any) -> str | None:
    """A scalar as the reader shows it (numbers and YAML dates as text); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value.isoformat() if isinstance(value, date) else None


def _replaced(value: Any, old: str, new: str) -> str | None:
    """``value``'s text with its first ``old`` replaced, or None when it does not hold ``old``.

    The view is NFC: a value written decomposed is matched (and written back) as NFC."""
    text = _text(value)
    if text is None:
        return None
    if old in text:
        return text.replace(old, new, 1)
    composed = unicodedata.normalize("NFC", text)
    return composed.replace(old, new, 1) if old in composed else None


class _Tree:
    """The copy being edited, and for each list that changed shape its items' original indexes."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._origins: dict[int, tuple[list[Any], list[int | None]]] = {}

    def _origin_list(self, items: list[Any]) -> list[int | None]:
        entry = self._origins.get(id(items))
        if entry is None or entry[0] is not items:
            entry = self._origins[id(items)] = (items, list(range(len(items))))
        return entry[1]

    def _position(self, items: list[Any], index: int, path: str) -> int:
        """Where the item originally at ``index`` of ``items`` is now."""
        entry = self._origins.get(id(items))
        if entry is None or entry[0] is not items:
            if index >= len(items):
                raise ValueError(f"{path}: no item {index} there")
            return index
        try:
            return entry[1].index(index)
        except ValueError:
            raise ValueError(f"{path}: item {index} is not there (removed?)") from None

    def locate(self, path: str) -> tuple[Any, int | str]:
        """The container of ``path`` and the key or current position of its last part."""
        node = self.root
        parts = _parts(path)
        for k, part in enumerate(parts):
            if isinstance(node, list):
                if not part.isdigit():
                    raise ValueError(f"{path}: {'.'.join(parts[:k]) or 'the top'} is a list, not {part!r}")
                key: int | str = self._position(node, int(part), path)
            elif isinstance(node, dict):
                if part not in node:
                    raise ValueError(f"{path}: no {part!r} there")
                key = part
            else:
                raise ValueError(f"{path}: {'.'.join(parts[:k])} holds no fields")
            if k == len(parts) - 1:
                return node, key
            node = node[key]
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        node, key = self.locate(path)
        return node[key]

    # Text edits.

    def replace(self, op: Replace) -> None:
        if not op.old:
            raise ValueError(f"{op.path}: nothing to replace (empty text)")
        node, key = self.locate(op.path)
        value = node[key]
        done = _replaced(value, op.old, op.new)
        if done is not None:
            node[key] = done
            return
        if isinstance(value, list):
            texts = [_text(item) for item in value]
            exact = [n for n, text in enumerate(texts) if text is not None and text.strip() == op.old.strip()]
            holding = exact or [n for n, text in enumerate(texts) if text is not None and op.old in text]
            if holding:
                value[holding[0]] = _replaced(value[holding[0]], op.old, op.new)
                return
        if isinstance(value, dict):
            for field, item in value.items():
                done = _replaced(item, op.old, op.new)
                if done is not None:
                    value[field] = done
                    return
        raise ValueError(f"{op.path}: {op.old!r} is not there")

    def set_summary(self, text: str) -> None:
        root = self.root
        if not isinstance(root, dict):
            raise ValueError("the resume is not an object")
        basics = root.get("basics")
        if basics is None:
            rest = [(k, v) for k, v in root.items() if k != "basics"]
            root.clear()
            root["basics"] = {"summary": text}
            root.update(rest)
            return
        if not isinstance(basics, dict):
            raise ValueError("basics: not an object")
        summary = basics.get("summary")
        if summary is not None and (not isinstance(summary, str) or summary.strip()):
            raise ValueError("basics.summary: the resume has a summary of its own")
        if "summary" in basics:
            basics["summary"] = text
            return
        # Where the schema puts it: after the contact fields, before location and profiles.
        later = [k for k in basics if k in ("location", "profiles")]
        rest = [(k, basics.pop(k)) for k in list(basics)[list(basics).index(later[0]):]] if later else []
        basics["summary"] = text
        basics.update(rest)

    # Structural edits.

    def _items_at(self, paths: Sequence[str], what: str) -> tuple[list[Any], list[int]]:
        """The one list ``paths`` (its items) are in, and their original indexes."""
        parents = {path.rpartition(".")[0] for path in paths}
        lasts = [path.rpartition(".")[2] for path in paths]
        if len(parents) != 1 or not all(last.isdigit() for last in lasts):
            raise ValueError(f"{what}: not items of one list: {', '.join(paths)}")
        parent = parents.pop()
        items = self.get(parent) if parent else self.root
        if not isinstance(items, list):
            raise ValueError(f"{what}: {parent or 'the top'} is not a list")
        return items, [int(last) for last in lasts]

    def reorder(self, op: Reorder) -> None:
        paths = [_entry_path(path) for path in op.paths]
        if sorted(op.order) != list(range(len(paths))) or len(set(paths)) != len(paths):
            raise ValueError(f"reorder: {op.order} is not an order of {len(paths)} distinct items")
        if not paths:
            return
        items, indexes = self._items_at(paths, "reorder")
        origins = self._origin_list(items)
        slots = [self._position(items, index, path) for index, path in zip(indexes, paths, strict=True)]
        moved = [(items[slot], origins[slot]) for slot in slots]
        for slot, source in zip(slots, op.order, strict=True):
            items[slot], origins[slot] = moved[source]

    def append(self, op: AppendItems) -> None:
        if not op.items:
            return
        node, key = self.locate(op.path)
        value = node[key]
        new = list(op.items)
        if isinstance(value, list):
            value.extend(new)
        elif isinstance(node, list) and isinstance(key, int):  # an entry of a list
            if isinstance(value, dict):
                keywords = value.get("keywords")
                if isinstance(keywords, list):
                    keywords.extend(new)
                else:
                    value["keywords"] = new if keywords is None else [keywords, *new]
            elif _text(value) is not None:
                self._insert_after(node, key, new)
            else:
                raise ValueError(f"{op.path}: nothing to add skills to")
        elif key == "name" and isinstance(node, dict) and not node.get("keywords"):
            entries, (index,) = self._items_at([op.path.rpartition(".")[0]], op.path)
            self._insert_after(entries, self._position(entries, index, op.path), [{"name": item} for item in new])
        elif key == "name" and isinstance(node, dict):
            self.append(AppendItems(f"{op.path.rpartition('.')[0]}.keywords", op.items))
        elif isinstance(node, dict) and _text(value) is not None:
            node[key] = [value, *new]  # a lone value where a list belongs
        else:
            raise ValueError(f"{op.path}: nothing to add skills to")

    def _insert_after(self, items: list[Any], position: int, new: list[Any]) -> None:
        origins = self._origin_list(items)
        at = position + 1
        while at < len(items) and origins[at] is None:  # after what was added here before
            at += 1
        items[at:at] = new
        origins[at:at] = [None] * len(new)

    def add_skills(self, op: AddSkills) -> None:
        root = self.root
        if not isinstance(root, dict):
            raise ValueError("the resume is not an object")
        entry = {"name": op.name, "keywords": list(op.items)}
        skills = root.get("skills")
        if isinstance(skills, list):
            skills.append(entry)
        else:
            root["skills"] = [entry] if skills is None else [skills, entry]

    def remove(self, path: str) -> None:
        node, key = self.locate(path)
        if isinstance(node, list) and isinstance(key, int):
            origins = self._origin_list(node)
            del node[key], origins[key]
        elif path.rpartition(".")[2].isdigit():
            raise ValueError(f"{path}: not a list item")
        else:
            del node[key]


# Writing back.

_JSON_INDENT = re.compile(r"\n([ \t]+)\S")


def dump(data: Any, fmt: str, original: str) -> str:
    """``data`` written as ``fmt`` ("json" or "yaml"), in the style of ``original`` (the source's text, or "").

    JSON: every value that did not change is copied from the original verbatim (its
    spacing, one-line objects, escapes), a changed one is written in its place, and items
    and keys added or moved reuse the separators around them; the result must load to
    exactly ``data``, or the whole is dumped: the original's indentation (its first indented
    line's; one line stays one line; 2 when there is no original), key order as in ``data``,
    UTF-8 characters as they are (``ensure_ascii=False``), a final newline. YAML dates are
    written as ISO text.

    YAML: where the original is a block mapping without anchors, every key, list item and
    value that did not change is copied from it verbatim, comments, quoting, flow lists and
    folded text included; a changed scalar or flow list is rewritten in place on its line;
    anything else that changed is dumped by PyYAML's safe dumper at its indentation. The result
    is read back and must load to exactly ``data`` (keys in order), or the whole document is
    dumped instead: keys in order, every value kept, but comments lost (PyYAML cannot keep
    them). Dumps never wrap lines, write UTF-8 characters as they are, expand anchors, and
    indent lists under their keys as the original does. No dependency beyond PyYAML.
    """
    eol = "\r\n" if "\r\n" in original else "\n"
    if fmt == "json":
        one_line = bool(original.strip()) and "\n" not in original.strip()
        found = _JSON_INDENT.search(original)
        indent: int | str | None = None if one_line else (found.group(1) if found else 2)
        if isinstance(indent, str) and indent.strip(" ") == "":
            indent = len(indent)
        spliced = _splice_json(original, data, indent) if original.strip() else None
        if spliced is not None:
            return spliced
        text = json.dumps(data, indent=indent, ensure_ascii=False, default=_json_default) + "\n"
        return text.replace("\n", eol) if eol != "\n" else text
    if fmt != "yaml":
        raise ValueError(f"not a structured format: {fmt!r} (json or yaml)")
    spliced = _splice_yaml(original, data) if original.strip() else None
    if spliced is not None:
        return spliced
    text = _yaml_block(data, _style(original))
    return text.replace("\n", eol) if eol != "\n" else text


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


_FLOW_LIST = re.compile(r"^[ \t-]*[^\s#][^\n]*:[ \t]+\[[^\]\n]*\][ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_SHORT_ITEM = 40  # a list of scalars this short each is written as a flow list when the original does


def _style(original: str) -> tuple[bool, bool]:
    """(indent block lists under their keys, short lists of scalars in flow style) as the original does."""
    return _indents_lists(original), bool(_FLOW_LIST.search(original))


def _indents_lists(original: str) -> bool:
    """Whether the original writes a key's block list indented under it ("key:\\n  - a")."""
    found = re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*( *)- ", original, re.MULTILINE)
    return found is not None and len(found.group(2)) > len(found.group(1))


class _Items(list[Any]):
    """Items dumped to be spliced into a block list: always written as ``- item`` lines."""


def _dumper(indent_lists: bool, flow_lists: bool) -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # an anchor in a resume is noise: write values out
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False if indent_lists else indentless)

        def represent_str(self, data: str) -> Any:
            # PyYAML writes these raw in a single-quoted or plain scalar, where they read back as line
            # breaks; double-quoted, it escapes them.
            if any(ch in data for ch in "\x85\u2028\u2029"):
                return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
            return super().represent_str(data)

        def represent_list(self, data: Any) -> Any:
            node = super().represent_list(data)
            short = all(isinstance(item, (str, int, float)) and len(str(item)) <= _SHORT_ITEM for item in data)
            node.flow_style = bool(flow_lists and data and short and not isinstance(data, _Items))
            return node

    Dumper.add_representer(list, Dumper.represent_list)
    Dumper.add_representer(_Items, Dumper.represent_list)
    Dumper.add_representer(str, Dumper.represent_str)
    return Dumper


def _yaml_block(value: Any, style: tuple[bool, bool]) -> str:
    import yaml

    return yaml.dump(value, Dumper=_dumper(*style), sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000)


def _yaml_inline(value: Any) -> str | None:
    """``value`` as one line of YAML (a scalar, or a flow list or mapping), or None when it takes more."""
    import yaml

    text = yaml.dump(value, Dumper=_dumper(False, False), sort_keys=False, allow_unicode=True,
                     default_flow_style=True, width=1_000_000)
    if text.endswith("\n...\n"):
        text = text[: -len("...\n")]
    text = text[:-1] if text.endswith("\n") else text
    return None if "\n" in text else text


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order all the way down (1 is not True nor 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _kind(value: Any) -> str:
    return "dict" if isinstance(value, dict) else "list" if isinstance(value, list) else "scalar"


def _pairs(old: list[Any], new: list[Any]) -> list[tuple[str, int]]:
    """How each new list item comes from the old list: ("keep", i) the same as old item i, ("edit", i)
    old item i changed (in order, of its kind, one that is nowhere in the new list), ("new", -1) neither."""
    used: set[int] = set()
    found: list[int | None] = []
    for j, value in enumerate(new):
        match = j if j < len(old) and _same(old[j], value) else None
        if match is None or match in used:
            match = next((i for i in range(len(old)) if i not in used and _same(old[i], value)), None)
        if match is not None:
            used.add(match)
        found.append(match)
    gone = [i for i in range(len(old)) if i not in used]
    out: list[tuple[str, int]] = []
    last = -1
    for value, match in zip(new, found, strict=True):
        if match is not None:
            out.append(("keep", match))
            last = max(last, match)
            continue
        edit = next((i for i in gone if i > last and _kind(old[i]) == _kind(value)), None)
        if edit is None:
            out.append(("new", -1))
            continue
        gone.remove(edit)
        last = edit
        out.append(("edit", edit))
    return out


# JSON spans: where each value of the original text is, to copy what did not change.


@dataclass
class _JsonNode:
    start: int
    end: int
    kind: str  # "object", "array" or "scalar"
    pairs: list[tuple[str, int, _JsonNode]]  # an object's (key, where its key starts, value)
    items: list[_JsonNode]  # an array's


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_LITERALS = ("true", "false", "null", "NaN", "-Infinity", "Infinity")


# The json module's own string scanner (C-accelerated): (the string's value, the offset after its closing quote).
_scan_string: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]  # not in typeshed


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def _json_nodes(text: str, at: int) -> _JsonNode:
    at = _skip(text, at)
    char = text[at:at + 1]
    if char in ("{", "["):
        node = _JsonNode(at, at, "object" if char == "{" else "array", [], [])
        close = "}" if char == "{" else "]"
        at = _skip(text, at + 1)
        if text[at:at + 1] == close:
            node.end = at + 1
            return node
        while True:
            if node.kind == "object":
                key_at = _skip(text, at)
                if text[key_at:key_at + 1] != '"':
                    raise ValueError("not JSON")
                key, at = _scan_string(text, key_at + 1)
                at = _skip(text, at)
                if text[at:at + 1] != ":":
                    raise ValueError("not JSON")
                value = _json_nodes(text, at + 1)
                node.pairs.append((key, key_at, value))
            else:
                value = _json_nodes(text, at)
                node.items.append(value)
            at = _skip(text, value.end)
            if text[at:at + 1] == ",":
                at += 1
                continue
            if text[at:at + 1] != close:
                raise ValueError("not JSON")
            node.end = at + 1
            return node
    if char == '"':
        _, end = _scan_string(text, at + 1)
        return _JsonNode(at, end, "scalar", [], [])
    literal = next((word for word in _JSON_LITERALS if text.startswith(word, at)), None)
    if literal is not None:
        return _JsonNode(at, at + len(literal), "scalar", [], [])
    number = _JSON_NUMBER.match(text, at)
    if number is None:
        raise ValueError("not JSON")
    return _JsonNode(at, number.end(), "scalar", [], [])


def _splice_json(original: str, data: Any, indent: int | str | None) -> str | None:
    """The original JSON with only what changed rewritten, or None when that is not safe."""
    try:
        old = json.loads(original)
        root = _json_nodes(original, 0)
    except (ValueError, RecursionError):
        return None
    if original[root.end:].strip():
        return None
    try:
        text = original[:root.start] + _JsonSplicer(original, indent).value(root, old, data, True) + original[root.end:]
    except Exception:  # keeping text is a nicety: on any surprise the full dump is always right
        return None
    if not text.endswith("\n"):
        text += "\r\n" if "\r\n" in original else "\n"
    try:
        if not _same(json.loads(text), json.loads(json.dumps(data, default=_json_default))):
            return None
    except (ValueError, TypeError):
        return None
    return text


class _JsonSplicer:
    def __init__(self, text: str, indent: int | str | None) -> None:
        self.text = text
        self.indent = indent

    def dumped(self, value: Any, at: int, multiline: bool) -> str:
        """``value`` as JSON written at offset ``at``: indented from that line's indent when ``multiline``."""
        text = json.dumps(value, indent=self.indent if multiline else None, ensure_ascii=False, default=_json_default)
        if "\n" not in text:
            return text
        line_start = self.text.rfind("\n", 0, at) + 1
        base = self.text[line_start:at][: len(self.text[line_start:at]) - len(self.text[line_start:at].lstrip(" \t"))]
        return text.replace("\n", "\n" + base)

    def value(self, node: _JsonNode, old: Any, new: Any, multiline: bool) -> str:
        span = self.text[node.start:node.end]
        if _same(old, new):
            return span
        if node.kind == "object" and node.pairs and isinstance(old, dict) and isinstance(new, dict) and new:
            return self.object(node, old, new)
        if node.kind == "array" and node.items and isinstance(old, list) and isinstance(new, list) and new:
            return self.array(node, old, new)
        return self.dumped(new, node.start, "\n" in span if node.kind != "scalar" else multiline)

    def _joined(self, node: _JsonNode, starts: list[int], ends: list[int], pieces: list[str]) -> str:
        """``pieces`` between the node's own brackets and separators (the last one reused for more)."""
        text = self.text
        opening = text[node.start + 1:starts[0]]  # "\n\t\t" before a first item on its own line
        separators = [text[end:start] for end, start in zip(ends, starts[1:], strict=False)] or [
            "," + opening if "\n" in opening else ", "]
        out = [text[node.start:starts[0]]]
        for n, piece in enumerate(pieces):
            if n:
                out.append(separators[min(n - 1, len(separators) - 1)])
            out.append(piece)
        out.append(text[ends[-1]:node.end])
        return "".join(out)

    def object(self, node: _JsonNode, old: dict[str, Any], new: dict[str, Any]) -> str:
        text = self.text
        multiline = "\n" in text[node.start:node.end]
        spans = {key: (key_at, value) for key, key_at, value in node.pairs}
        first_key, first_value = node.pairs[0][1], node.pairs[0][2]
        colon = text[text.index(":", first_key + len(json.dumps(node.pairs[0][0])) - 1):first_value.start]
        pieces = []
        for key, value in new.items():
            if key in spans and key in old:
                key_at, value_node = spans[key]
                pieces.append(text[key_at:value_node.start] + self.value(value_node, old[key], value, multiline))
            else:
                at = first_key
                pieces.append(json.dumps(key, ensure_ascii=False) + colon + self.dumped(value, at, multiline))
        return self._joined(node, [k for _, k, _ in node.pairs], [v.end for _, _, v in node.pairs], pieces)

    def array(self, node: _JsonNode, old: list[Any], new: list[Any]) -> str:
        multiline = "\n" in self.text[node.start:node.end]
        items = node.items
        item_lines = any("\n" in self.text[i.start:i.end] for i in items) or (
            multiline and all(i.kind == "scalar" for i in items))
        pieces = []
        for (how, i), value in zip(_pairs(old, new), new, strict=True):
            if how == "keep":
                pieces.append(self.text[items[i].start:items[i].end])
            elif how == "edit":
                pieces.append(self.value(items[i], old[i], value, multiline))
            else:  # one line when the items around it are
                pieces.append(self.dumped(value, items[0].start, item_lines))
        return self._joined(node, [i.start for i in items], [i.end for i in items], pieces)


_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


def _splice_yaml(original: str, data: Any) -> str | None:
    """The original YAML with only what changed rewritten, or None when that is not safe."""
    import yaml

    loader = yaml.SafeLoader
    try:
        if any(getattr(event, "anchor", None) is not None for event in yaml.parse(original, Loader=loader)):
            return None
        root = yaml.compose(original, Loader=loader)
        old = yaml.load(original, Loader=loader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not isinstance(old, dict) or not isinstance(data, dict):
        return None
    lines: list[str] = []
    at = 0
    for found in _BREAK.finditer(original):
        lines.append(original[at:found.end()])
        at = found.end()
    if at < len(original):
        lines.append(original[at:])
    splicer = _Splicer(lines, "\r\n" if "\r\n" in original else "\n", _style(original))
    try:
        out = splicer.mapping(root, old, data, 0, len(lines))
    except Exception:  # _NotSpliceable, or any surprise: keeping text is a nicety, the full dump is always right
        return None
    text = "".join(out)
    if text and not text.endswith(("\n", "\r")):
        text += splicer.eol
    try:
        if not _same(yaml.load(text, Loader=loader), data):
            return None
    except yaml.YAMLError:
        return None
    return text


class _NotSpliceable(Exception):
    pass


class _Splicer:
    """Rewrites the changed parts of a block YAML document, line by line."""

    def __init__(self, lines: list[str], eol: str, style: tuple[bool, bool]) -> None:
        self.lines = lines
        self.eol = eol
        self.style = style

    def _indent(self, line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def _attach(self, line: int, floor: int, column: int) -> int:
        """``line`` moved up over the blank lines and comments (at ``column`` or less) above it."""
        while line - 1 >= floor:
            above = self.lines[line - 1]
            if not above.strip() or (above.lstrip().startswith("#") and self._indent(above) <= column):
                line -= 1
            else:
                break
        return line

    def _block(self, value: Any, column: int, prefix: str = "") -> list[str]:
        """``value`` dumped as block YAML lines at ``column``; ``prefix`` replaces the first line's indent."""
        text = _yaml_block(value, self.style)
        out = [" " * column + line + self.eol for line in text.rstrip("\n").split("\n")]
        if prefix.strip() and out:
            out[0] = prefix + out[0][column:]
        return out

    def _value_end(self, node: Any, start: int, end: int) -> int:
        """The line after the last one a scalar or flow value (starting on line ``start``) takes."""
        mark = node.end_mark
        last = mark.line + (1 if mark.column > 0 else 0)
        last = min(max(last, start + 1), end)
        while last - 1 > start and not self.lines[last - 1].strip():
            last -= 1
        return last

    def _inline(self, node: Any, new: Any, start: int, end: int) -> list[str] | None:
        """The value of ``node`` (a scalar or flow collection) rewritten in place after its key or dash."""
        import yaml

        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
            return None
        if isinstance(new, (dict, list)) and not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return None
        if node.start_mark.line != start:
            return None
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and isinstance(new, str):
            block = self._block_scalar(node, new, start, end)
            if block is not None:
                return block
        text = _yaml_inline(new)
        if text is None:
            return None
        head = self.lines[start][: node.start_mark.column]
        return [head + text + self.eol, *self.lines[self._value_end(node, start, end):end]]

    def _block_scalar(self, node: Any, new: str, start: int, end: int) -> list[str] | None:
        """A literal (``|``) or folded (``>``) scalar rewritten in its own style, its header line kept;
        folded text keeps the original's lines before and after the change, and the changed part is
        wrapped as wide as they are. None when that would not read back."""
        import yaml

        stop = self._value_end(node, start, end)
        content = [line for line in self.lines[start + 1:stop] if line.strip()]
        if not content:
            return None
        indent = " " * min(self._indent(line) for line in content)
        body = new[:-1] if new.endswith("\n") else new
        if node.style == "|":
            rows = body.split("\n")
        else:
            if "\n" in body or "  " in body or "\t" in body or body != body.strip():
                return None
            width = max(len(line.rstrip("\r\n")) for line in content)
            rows = self._refolded(body, [line.strip() for line in content], max(width - len(indent), 40))
        lines = [self.lines[start], *((indent + row if row else "") + self.eol for row in rows)]
        header = self.lines[start][node.start_mark.column:]
        try:
            if yaml.load("k: " + header + "".join(lines[1:]), Loader=yaml.SafeLoader) != {"k": new}:
                return None
        except yaml.YAMLError:
            return None
        return [*lines, *self.lines[stop:end]]

    @staticmethod
    def _refolded(text: str, rows: list[str], width: int) -> list[str]:
        """``text`` (one paragraph) as folded rows: the original ``rows`` it still starts and ends with, the rest wrapped."""
        import textwrap

        head: list[str] = []
        at = 0
        for row in rows:
            if row and text.startswith(row, at) and (at + len(row) == len(text) or text[at + len(row)] == " "):
                head.append(row)
                at += len(row) + 1
            else:
                break
        tail: list[str] = []
        stop = len(text)
        for row in reversed(rows[len(head):]):
            begin = stop - len(row)
            if row and begin > at and text[begin:stop] == row and text[begin - 1] == " ":
                tail.insert(0, row)
                stop = begin - 1
            else:
                break
        middle = text[at:stop] if at < stop else ""
        count = len(rows) - len(head) - len(tail)
        wrapped = textwrap.wrap(middle, width=width, break_long_words=False, break_on_hyphens=False)
        if len(wrapped) > count:  # a little wider rather than a line of one word
            wider = textwrap.wrap(middle, width=width * 5 // 4, break_long_words=False, break_on_hyphens=False)
            wrapped = wider if len(wider) <= count else wrapped
        return [*head, *wrapped, *tail]

    def mapping(self, node: Any, old: dict[Any, Any], new: dict[Any, Any], start: int, end: int) -> list[str]:
        """The lines of block mapping ``node`` (its pairs on lines [start, end)) holding ``new``."""
        import yaml

        if node.flow_style:
            raise _NotSpliceable
        pairs = node.value
        column = node.start_mark.column
        starts = [start] + [self._attach(k.start_mark.line, pairs[n - 1][0].start_mark.line + 1, column)
                            for n, (k, _) in enumerate(pairs) if n > 0]
        spans: dict[Any, tuple[Any, Any, int, int]] = {}
        for n, (key_node, value_node) in enumerate(pairs):
            key = yaml.load(yaml.serialize(key_node), Loader=yaml.SafeLoader)  # the key as data
            spans[key] = (key_node, value_node, starts[n], starts[n + 1] if n + 1 < len(pairs) else end)
        first_line = self.lines[pairs[0][0].start_mark.line] if pairs else ""
        prefix = first_line[:column] if pairs else ""
        out: list[str] = []
        for key, value in new.items():
            if key not in spans or key not in old:
                out += self._block({key: value}, column, prefix if not out else "")
                continue
            key_node, value_node, s, e = spans[key]
            out += self.pair(key_node, value_node, old[key], value, s, e)
        if prefix.strip() and (not out or not out[0].startswith(prefix)):
            raise _NotSpliceable  # the "- " before this mapping's first key went with a removed key
        return out

    def pair(self, key_node: Any, value_node: Any, old: Any, new: Any, s: int, e: int) -> list[str]:
        import yaml

        if _same(old, new):
            return self.lines[s:e]
        line = key_node.start_mark.line
        head = self.lines[s:line]
        column = key_node.start_mark.column
        below = value_node.start_mark.line > line
        if isinstance(value_node, yaml.MappingNode) and below and isinstance(old, dict) and isinstance(new, dict) \
                and new:
            return [*self.lines[s:line + 1], *self.mapping(value_node, old, new, line + 1, e)]
        if isinstance(value_node, yaml.SequenceNode) and below and isinstance(old, list) and isinstance(new, list) \
                and new and not value_node.flow_style:
            return [*self.lines[s:line + 1], *self.sequence(value_node, old, new, line + 1, e)]
        inline = self._inline(value_node, new, line, e) if not below else None
        if inline is not None:
            return [*head, *inline]
        return [*head, *self._block({yaml.load(yaml.serialize(key_node), Loader=yaml.SafeLoader): new}, column,
                                    self.lines[line][:column])]

    def sequence(self, node: Any, old: list[Any], new: list[Any], start: int, end: int) -> list[str]:
        """The lines of block sequence ``node`` (its items on lines [start, end)) holding ``new``."""
        import yaml

        items = node.value
        column = node.start_mark.column
        dashes = []
        for item in items:
            line = item.start_mark.line
            if not self.lines[line][: item.start_mark.column].rstrip().endswith("-"):
                raise _NotSpliceable  # an item below its dash, or an empty one
            dashes.append(line)
        starts = [start] + [self._attach(d, dashes[n - 1] + 1, column) for n, d in enumerate(dashes) if n > 0]
        ends = [*starts[1:], end]
        out: list[str] = []
        for (how, i), value in zip(_pairs(old, new), new, strict=True):
            if how == "keep":
                out += self.lines[starts[i]:ends[i]]
                continue
            if how == "edit":
                item, s, e, dash = items[i], starts[i], ends[i], dashes[i]
                if isinstance(item, yaml.MappingNode) and isinstance(value, dict) and value and not item.flow_style:
                    out += self.mapping(item, old[i], value, s, e)
                    continue
                inline = self._inline(item, value, dash, e)
                if inline is not None:
                    out += [*self.lines[s:dash], *inline]
                    continue
            out += self._block(_Items([value]), column)
        return out
