"""The skills taxonomy: config/skills.yaml compiled once into one trie-shaped regex.

One regex over the whole text finds every alias of every skill in a single
pass. The alternatives are laid out as a character trie (shared prefixes are
tested once), longer continuations before shorter ones, so "JavaScript" wins
over "Java" and "C++" over "C". Boundaries are our own rather than ``\\b``,
because skills such as "C++", "C#", ".NET" and "CI/CD" start or end in
punctuation.

Matching is case-insensitive. A name that is also an ordinary word ("Spring",
"Excel", "Chef", "Go") counts as written or in capitals; in another case only
where its context makes it a technology (a list of skills, "spring framework",
"advanced excel"). A mention that names a team or an audience ("our DevOps
team", "presented to leadership") is no mention of the skill.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailor.pipeline.errors import ConfigError
from tailor.pipeline.tailoring import _compiled
from tailor.pipeline.tailoring._compiled import regex

# A space or hyphen inside a skill name matches any run of spaces, hyphens or a line break.
_SEP = "\x00"
_SEP_PATTERN = r"[\s\-]+"
_SEP_RE = regex(r"[\s\-]+")
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


# An ordinary word in another case than its listed one counts when its context makes it a technology:
# a noun of the trade after it, or a verb or phrase of skill before it.
_TECH_AFTER = regex(
    r"[\s-]+(?:framework|boot|mvc|api|apis|database|databases|db|server|sdk|scripts?|scripting|language|programming|"
    r"code|developer|development|engineer|engineering|testing|tests|automation|cookbooks?|recipes|manifests|playbooks|"
    r"charts|spreadsheets?|workbooks?|macros|formulas|pivot|vlookup|dashboards?|pipelines?|cluster|clusters|jobs|"
    r"queries|certified|certification|modules?|plugins?|components?|apps?|applications?)\b",
    re.IGNORECASE,
)
_TECH_BEFORE = regex(
    r"(?:proficien\w*|experience[ds]?|expertise|skilled|skills|knowledge|familiar\w*|fluent|advanced|expert|"
    r"using|use|used|via|written|wrote|built|developed|programming|coding|automated|configured)"
    r"(?:\s+(?:in|with|of|on))?\s+$",
    re.IGNORECASE,
)
_LIST_REACH = 60  # characters: another skill this near makes a list of skills
# "our DevOps team", "the QA group": a team is named, not a skill.
_TEAM_AFTER = regex(
    r"[\s-]+(?:teams?|department|departments|dept|org|organi[sz]ation|group|squad|colleagues|"
    r"counterparts|staff|folks)\b",
    re.IGNORECASE,
)
# ... unless the person led it ("led the DevOps team" shows DevOps).
_LED_BEFORE = regex(
    r"\b(?:led|lead|leading|managed?|managing|built|building|ran|running|grew|founded|headed|heading|head\s+of|"
    r"directed|supervised|established)\s+(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
# "work with UX designers and QA engineers": colleagues, not a skill.
_PEOPLE_AFTER = regex(
    r"[\s-]+(?:designers|engineers|developers|analysts|scientists|managers|specialists|researchers|leaders|"
    r"professionals|practitioners|reps|representatives|nurses|teams|partners|stakeholders)\b",
    re.IGNORECASE,
)
_PEOPLE_BEFORE = regex(
    r"\b(?:with|alongside|to|for|and|among|between|across|support(?:s|ing)?|help(?:s|ing)?)\s+"
    r"(?:(?:the|our|your|other|fellow|senior|a|[\w-]+,)\s+){0,3}$",
    re.IGNORECASE,
)
# A function that is also a team ("Leadership", "Customer Success") as the audience or user of the work.
_AUDIENCE_BEFORE = regex(
    r"\b(?:to|for|alongside|across|(?:partner|work|collaborat\w*|liais\w*)(?:s|ed|ing)?\s+with|used\s+by|"
    r"support(?:s|ed|ing)?|report(?:s|ed|ing)?\s+to|present\w*(?:\s+[\w-]+){0,3}\s+to)\s+(?:[\w&-]+\s+){0,3}$",
    re.IGNORECASE,
)
_AUDIENCE_AFTER = regex(r"\s+(?:uses?|used|relies|relied|asked|wanted|needs?|adopted)\b", re.IGNORECASE)
_BEFORE_REACH = 60


def _build(entries: dict[str, list[str]], case_sensitive: set[str], guards: dict[str, str], path: str,
           implies: dict[str, list[str]], functions: set[str] | frozenset[str]) -> tuple[dict[str, Any], str]:
    """The taxonomy's tables (plain data) and its matcher's pattern, with every rule of the YAML checked."""
    categories: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    lookup: dict[str, str] = {}
    strict: dict[str, set[str]] = {}
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    for category, names in entries.items():
        for entry in names:
            surfaces = [part.strip() for part in str(entry).split("|") if part.strip()]
            if not surfaces:
                continue
            canonical = surfaces[0]
            if canonical in categories:
                raise ConfigError(f"{path}: skill {canonical!r} is listed twice")
            categories[canonical] = category
            aliases[canonical] = surfaces
            for surface in surfaces:
                key = normalise(surface)
                owner = lookup.get(key)
                if owner is not None and owner != canonical:
                    raise ConfigError(f"{path}: alias {surface!r} belongs to both {owner!r} and {canonical!r}")
                lookup[key] = canonical
                guard = guards.get(surface, "")
                if len(surface) == 1:  # "C", "R": only as written
                    exact[surface] = guard
                    continue
                if surface in case_sensitive or _auto_case_sensitive(surface):
                    strict.setdefault(key, set()).add(surface)
                folded[key] = guard or folded.get(key, "")
    broader = _closure(implies, categories, path)
    unknown = sorted(set(functions) - set(categories))
    if unknown:
        raise ConfigError(f"{path}: functions names unknown skills: {', '.join(unknown)}")
    parts = []
    if folded:
        parts.append(_trie_pattern(folded, fold=True))
    if exact:
        parts.append("(?-i:" + _trie_pattern(exact, fold=False) + ")")
    body = "|".join(parts) or "(?!)"
    tables = {"categories": categories, "aliases": aliases, "lookup": lookup,
              "strict": {k: sorted(v) for k, v in strict.items()},
              "broader": {k: list(v) for k, v in broader.items()}, "functions": sorted(functions)}
    return tables, f"{_LEFT}(?:{body}){_RIGHT}"


class Taxonomy:
    """Skills with their category, aliases and implications, and the one compiled matcher."""

    __slots__ = ("categories", "_aliases", "_lookup", "_regex", "_memo", "_seen", "path", "_strict", "_broader",
                 "_functions")

    def __init__(self, entries: dict[str, list[str]], case_sensitive: set[str], guards: dict[str, str], path: str = "",
                 implies: dict[str, list[str]] | None = None, functions: set[str] | frozenset[str] = frozenset()) -> None:
        tables, pattern = _build(entries, case_sensitive, guards, path, implies or {}, functions)
        try:
            matcher = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:  # a bad guard in the YAML
            raise ConfigError(f"{path}: skills pattern does not compile: {exc}") from exc
        self._adopt(tables, matcher, path)

    @classmethod
    def _restore(cls, tables: dict[str, Any], matcher: re.Pattern[str], path: str) -> Taxonomy:
        """A taxonomy from its tables and compiled matcher (built, or saved by an earlier process)."""
        taxonomy = cls.__new__(cls)
        taxonomy._adopt(tables, matcher, path)
        return taxonomy

    def _adopt(self, tables: dict[str, Any], matcher: re.Pattern[str], path: str) -> None:
        self.path = path
        self.categories: dict[str, str] = dict(tables["categories"])
        self._aliases: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in tables["aliases"].items()}
        self._lookup: dict[str, str] = dict(tables["lookup"])
        # An ordinary word's lookup key -> the forms it counts in without context ("Spring", "SPRING").
        self._strict: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in tables["strict"].items()}
        self._broader: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in tables["broader"].items()}
        self._functions = frozenset(tables["functions"])
        self._regex = matcher
        # The same lines are scanned by the profile, the rewrite, the guard and the rescore: remember them.
        self._memo: dict[str, tuple[Match, ...]] = {}
        # A matched surface and its offset -> its Match (None: not a skill): Matches are immutable, and the
        # same few surfaces at the same few offsets recur line after line, so most are looked up, not built
        # (offset -1: a surface far into a long text, kept for its skill).
        self._seen: dict[tuple[str, int], Match | None] = {}

    def broader(self, skill: str) -> tuple[str, ...]:
        """The broader skills ``skill`` evidences, nearest first (Terraform -> Infrastructure as Code)."""
        return self._broader.get(skill, ())

    def _plain_form(self, surface: str) -> bool:
        """Whether a matched surface counts without context: not an ordinary word, or written as listed or in capitals."""
        forms = self._strict.get(_SEP_RE.sub(" ", surface.lower()))
        if forms is None:
            return True
        return surface in forms or _SEP_RE.sub(" ", surface) in forms or (len(surface) >= 3 and surface.isupper())

    def _in_context(self, text: str, m: Match, anchors: list[int]) -> bool:
        """An ordinary word in another case: a technology only as a list item, beside a trade noun or a skill verb."""
        if not text[: m.start].strip() and not text[m.end:].strip(" \t.,;:"):
            return True  # the whole text is this one term: an item of a list
        if any(abs(a - m.start) <= _LIST_REACH for a in anchors):
            return True
        if _TECH_AFTER.match(text, m.end):
            return True
        return bool(_TECH_BEFORE.search(text[max(0, m.start - _BEFORE_REACH): m.start]))

    def _names_a_team(self, text: str, m: Match) -> bool:
        """Whether this mention names a team, colleagues or an audience rather than a skill of the person."""
        before = text[max(0, m.start - _BEFORE_REACH): m.start]
        if _TEAM_AFTER.match(text, m.end):
            return not _LED_BEFORE.search(before)
        if _PEOPLE_AFTER.match(text, m.end) and _PEOPLE_BEFORE.search(before):
            return True
        if m.skill in self._functions:
            return bool(_AUDIENCE_BEFORE.search(before) or _AUDIENCE_AFTER.match(text, m.end))
        return False

    def _settle(self, text: str, matches: list[Match]) -> list[Match]:
        """Keep the mentions that are skills: ordinary words by their context, teams and audiences out."""
        plain = [self._plain_form(m.surface) for m in matches]
        anchors = [m.start for m, ok in zip(matches, plain) if ok]
        return [m for m, ok in zip(matches, plain)
                if (ok or self._in_context(text, m, anchors)) and not self._names_a_team(text, m)]

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
            found = tuple(self._settle(text, matches)) if matches else ()
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = found
        return found

    def _skill_of(self, surface: str) -> str | None:
        key = (surface, -1)
        match = self._seen.get(key, _UNSEEN)
        if match is _UNSEEN:
            skill = self._lookup.get(_SEP_RE.sub(" ", surface.lower()))
            if not self._plain_form(surface):  # a whole document: no context is weighed, the word is a word
                skill = None
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


def _closure(implies: dict[str, list[str]], known: dict[str, str], path: str) -> dict[str, tuple[str, ...]]:
    """Each skill's broader skills, transitively, nearest first; names checked and cycles refused."""
    for narrow, broader in implies.items():
        for name in (narrow, *broader):
            if name not in known:
                raise ConfigError(f"{path}: implies names an unknown skill {name!r}")
    closure: dict[str, tuple[str, ...]] = {}
    for narrow in implies:
        order: list[str] = []
        queue = list(implies[narrow])
        while queue:
            broad = queue.pop(0)
            if broad == narrow:
                raise ConfigError(f"{path}: implies has a cycle through {narrow!r}")
            if broad not in order:
                order.append(broad)
                queue.extend(implies.get(broad, ()))
        closure[narrow] = tuple(order)
    return closure


@functools.cache
def default_taxonomy_path() -> Path:
    """config/skills.yaml as installed: package data of ``tailor.config``.

    Found through the package's import spec rather than importlib.resources, which would import
    ``tailor.config`` (its settings pull in pydantic: ~0.3 s a worker or a cold run need not pay here).
    """
    spec = importlib.util.find_spec("tailor.config")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        candidate = Path(folder) / "skills.yaml"
        if candidate.is_file():
            return candidate.resolve()
    return Path(str(importlib.resources.files("tailor.config").joinpath("skills.yaml"))).resolve()


@functools.cache
def _matcher_source() -> bytes:
    """The code that turns the YAML into a matcher: a saved matcher is stale when it changes."""
    return Path(__file__).read_bytes() + Path(_compiled.__file__).read_bytes()


@functools.cache
def _load(path: Path) -> Taxonomy:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the skills taxonomy ({exc.strerror or exc})") from exc
    digest = _compiled.digest_of(raw, _matcher_source())
    saved = _compiled.load(path, digest)
    if saved is not None:  # an earlier process compiled this very file: ~5 ms instead of ~0.3 s
        matcher, tables = saved
        return Taxonomy._restore(tables, matcher, str(path))
    import yaml

    try:
        # libyaml's safe loader parses the 1,400-skill file several times faster than the pure-Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: the skills taxonomy is not valid YAML") from exc
    if not isinstance(data, dict) or not isinstance(data.get("skills"), dict):
        raise ConfigError(f"{path}: expected a mapping with a 'skills' mapping of category -> entries")
    entries = {str(k): list(v or []) for k, v in data["skills"].items()}
    case_sensitive = {str(s) for s in data.get("case_sensitive") or []}
    guards = {str(k): str(v) for k, v in (data.get("guards") or {}).items()}
    implies_data = data.get("implies") or {}
    if not isinstance(implies_data, dict):
        raise ConfigError(f"{path}: 'implies' must map a skill to the broader skills it evidences")
    implies = {str(k): [str(v)] if isinstance(v, str) else [str(x) for x in (v or [])] for k, v in implies_data.items()}
    functions = {str(s) for s in data.get("functions") or []}
    tables, pattern = _build(entries, case_sensitive, guards, str(path), implies, functions)
    try:
        matcher = _compiled.compile_and_save(path, digest, tables, pattern, re.IGNORECASE)
    except re.error as exc:  # a bad guard in the YAML
        raise ConfigError(f"{path}: skills pattern does not compile: {exc}") from exc
    return Taxonomy._restore(tables, matcher, str(path))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default config/skills.yaml), compiled once per path per process."""
    return _load(default_taxonomy_path() if path is None else path.resolve())
