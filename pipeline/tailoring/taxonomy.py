"""The skills taxonomy: config/skills.yaml compiled once into one trie-shaped regex.

One regex over the whole text finds every alias of every skill in a single
pass. The alternatives are laid out as a character trie (shared prefixes are
tested once), longer continuations before shorter ones, so "JavaScript" wins
over "Java" and "C++" over "C". Boundaries are our own rather than ``\\b``,
because skills such as "C++", "C#", ".NET" and "CI/CD" start or end in
punctuation.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailor.pipeline.errors import ConfigError

# A space or hyphen inside a skill name matches any run of spaces, hyphens or a line break.
_SEP = "\x00"
_SEP_PATTERN = r"[\s\-]+"
_SEP_RE = re.compile(r"[\s\-]+")
# Not preceded by a word character or by punctuation that would make this the tail of
# another token ("ASP.NET", "jane@python.org", "C++" seen from the second "+").
_LEFT = r"(?<![\w+#@.])"
# Not followed by more of a word, "+"/"#" ("C" in "C++"), "&" ("R&D"), or ".x" ("Node" in "Node.js").
_RIGHT = r"(?![\w+#&]|\.\w)"
_MEMO_SIZE = 50_000
_UNSEEN: Any = object()
_LONG_TEXT = 100_000  # characters: a whole document, not a line (see Taxonomy._long)
_SHARED_OFFSETS = 512  # a line's length: Matches at offsets below it are shared


@dataclass(frozen=True, slots=True)
class Match:
    skill: str
    surface: str
    start: int
    end: int


def normalise(surface: str) -> str:
    """The lookup key of a surface form: lower case, separators collapsed to one space."""
    return _SEP_RE.sub(" ", surface.strip().lower())


class _Node:
    __slots__ = ("children", "terminal", "guard")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False
        self.guard = ""


def _units(surface: str, fold: bool) -> list[str]:
    units: list[str] = []
    for ch in surface.lower() if fold else surface:
        if ch in " -\t":
            if units and units[-1] == _SEP:
                continue
            units.append(_SEP)
        else:
            units.append(ch)
    return units


def _emit(node: _Node) -> str:
    branches = []
    for unit in sorted(node.children, key=lambda u: (u == _SEP, u)):
        head = _SEP_PATTERN if unit == _SEP else re.escape(unit)
        branches.append(head + _emit(node.children[unit]))
    if node.terminal:
        branches.append(node.guard)  # ending here is tried last: longest match first
    if not branches:
        return ""
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _trie_pattern(surfaces: dict[str, str], fold: bool) -> str:
    root = _Node()
    for surface, guard in surfaces.items():
        node = root
        for unit in _units(surface, fold):
            node = node.children.setdefault(unit, _Node())
        node.terminal = True
        node.guard = guard
    return _emit(root)


def _auto_case_sensitive(surface: str) -> bool:
    # Two-letter capitals ("AI", "ML", "UI", "QA", "JS") are ordinary words or
    # abbreviations of something else in lower case.
    return len(surface) <= 2 and surface.isalpha() and surface.isupper()


class Taxonomy:
    """Skills with their category and aliases, and the one compiled matcher."""

    __slots__ = ("categories", "_aliases", "_lookup", "_regex", "_memo", "_seen", "path")

    def __init__(self, entries: dict[str, list[str]], case_sensitive: set[str], guards: dict[str, str], path: str = "") -> None:
        self.path = path
        self.categories: dict[str, str] = {}
        self._aliases: dict[str, tuple[str, ...]] = {}
        self._lookup: dict[str, str] = {}
        # The same lines are scanned by the profile, the rewrite, the guard and the rescore: remember them.
        self._memo: dict[str, tuple[Match, ...]] = {}
        # A matched surface and its offset -> its Match (None: not a skill): Matches are immutable, and the
        # same few surfaces at the same few offsets recur line after line, so most are looked up, not built
        # (offset -1: a surface far into a long text, kept for its skill).
        self._seen: dict[tuple[str, int], Match | None] = {}
        folded: dict[str, str] = {}
        exact: dict[str, str] = {}
        for category, names in entries.items():
            for entry in names:
                surfaces = [part.strip() for part in str(entry).split("|") if part.strip()]
                if not surfaces:
                    continue
                canonical = surfaces[0]
                if canonical in self.categories:
                    raise ConfigError(f"{path}: skill {canonical!r} is listed twice")
                self.categories[canonical] = category
                self._aliases[canonical] = tuple(surfaces)
                for surface in surfaces:
                    key = normalise(surface)
                    owner = self._lookup.get(key)
                    if owner is not None and owner != canonical:
                        raise ConfigError(f"{path}: alias {surface!r} belongs to both {owner!r} and {canonical!r}")
                    self._lookup[key] = canonical
                    guard = guards.get(surface, "")
                    if surface in case_sensitive or _auto_case_sensitive(surface):
                        exact[surface] = guard
                    else:
                        folded[normalise(surface)] = guard
        parts = []
        if folded:
            parts.append(_trie_pattern(folded, fold=True))
        if exact:
            parts.append("(?-i:" + _trie_pattern(exact, fold=False) + ")")
        body = "|".join(parts) or "(?!)"
        try:
            self._regex = re.compile(f"{_LEFT}(?:{body}){_RIGHT}", re.IGNORECASE)
        except re.error as exc:  # a bad guard in the YAML
            raise ConfigError(f"{path}: skills pattern does not compile: {exc}") from exc

    def __len__(self) -> int:
        return len(self.categories)

    def __contains__(self, skill: object) -> bool:
        return skill in self.categories

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes reload (cached) instead of unpickling a large regex.
        return (load_taxonomy, (Path(self.path),) if self.path else ())

    def category(self, skill: str) -> str:
        return self.categories.get(skill, "")

    def aliases(self, skill: str) -> tuple[str, ...]:
        return self._aliases.get(skill, ())

    def canonical(self, surface: str) -> str | None:
        return self._lookup.get(normalise(surface))

    def find(self, text: str) -> tuple[Match, ...]:
        """Every skill mention in ``text``, left to right, longest alias first."""
        found = self._memo.get(text)
        if found is None:
            lookup, seen = self._lookup, self._seen
            if len(seen) >= _MEMO_SIZE:
                seen.clear()
            matches: list[Match] = []
            for m in self._regex.finditer(text):
                surface, start = m.group(), m.start()
                key = (surface, start if start < _SHARED_OFFSETS else -1)
                match = seen.get(key, _UNSEEN)
                if match is _UNSEEN:
                    skill = lookup.get(_SEP_RE.sub(" ", surface.lower()))
                    match = seen[key] = None if skill is None else Match(skill, surface, start, start + len(surface))
                if match is not None:
                    if start >= _SHARED_OFFSETS:  # far into a long text: only the skill is shared
                        match = Match(match.skill, surface, start, start + len(surface))
                    matches.append(match)
            found = tuple(matches)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = found
        return found

    def _skill_of(self, surface: str) -> str | None:
        key = (surface, -1)
        match = self._seen.get(key, _UNSEEN)
        if match is _UNSEEN:
            skill = self._lookup.get(_SEP_RE.sub(" ", surface.lower()))
            if len(self._seen) >= _MEMO_SIZE:
                self._seen.clear()
            match = self._seen[key] = None if skill is None else Match(skill, surface, -1, -1)
        return None if match is None else match.skill

    def _long(self, text: str) -> bool:
        """A whole document not seen yet: its mentions are not kept (one pass, no Match for each)."""
        return len(text) >= _LONG_TEXT and text not in self._memo

    def mask(self, text: str, replacement: str) -> str:
        """``text`` with every skill mention replaced by ``replacement``."""
        if self._long(text):  # the same as below: a match that is no skill stays as it is
            return self._regex.sub(lambda m: m.group() if self._skill_of(m.group()) is None else replacement, text)
        out, pos = [], 0
        for m in self.find(text):
            out.append(text[pos : m.start])
            out.append(replacement)
            pos = m.end
        out.append(text[pos:])
        return "".join(out)

    def masked_skills(self, text: str, replacement: str) -> tuple[str, set[str]]:
        """(``mask(text, replacement)``, ``skills_in(text)``) in one pass over ``text``."""
        if not self._long(text):
            return self.mask(text, replacement), self.skills_in(text)
        skills: set[str] = set()

        def masked(m: re.Match[str]) -> str:
            skill = self._skill_of(m.group())
            if skill is None:
                return m.group()
            skills.add(skill)
            return replacement

        return self._regex.sub(masked, text), skills

    def skills_in(self, text: str) -> set[str]:
        if self._long(text):
            skills = {self._skill_of(m.group()) for m in self._regex.finditer(text)}
            skills.discard(None)
            return skills  # type: ignore[return-value]
        return {m.skill for m in self.find(text)}


@functools.cache
def default_taxonomy_path() -> Path:
    """config/skills.yaml as installed: package data of ``tailor.config``, found by importlib.resources."""
    return Path(str(importlib.resources.files("tailor.config").joinpath("skills.yaml"))).resolve()


@functools.cache
def _load(path: Path) -> Taxonomy:
    import yaml

    try:
        # libyaml's safe loader parses the 600-skill file several times faster than the pure-Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the skills taxonomy ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: the skills taxonomy is not valid YAML") from exc
    if not isinstance(data, dict) or not isinstance(data.get("skills"), dict):
        raise ConfigError(f"{path}: expected a mapping with a 'skills' mapping of category -> entries")
    entries = {str(k): list(v or []) for k, v in data["skills"].items()}
    case_sensitive = {str(s) for s in data.get("case_sensitive") or []}
    guards = {str(k): str(v) for k, v in (data.get("guards") or {}).items()}
    return Taxonomy(entries, case_sensitive, guards, str(path))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default config/skills.yaml), compiled once per path per process."""
    return _load(default_taxonomy_path() if path is None else path.resolve())
