"""JSON Resume (jsonresume.org schema) from JSON or YAML, validated and rendered as Markdown.

The models are lenient, as real files are: unknown keys are kept, every field
is optional, YAML's unquoted dates and numbers become text, a lone string
where a list belongs becomes a one-item list, and a bare string in ``skills``
is a skill name. Only data that is not a resume at all is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    model_validator,
)

from tailor.pipeline.readers._bytes import input_error, one_line
from tailor.pipeline.readers._text import _NEEDS_FTFY, _may_be_mojibake, normalise_text, require_words

_RESUME_KEYS = frozenset({"basics", "work", "education", "skills"})
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # left for pydantic to refuse: "yes" parsed as True is not a date or a name
    if isinstance(value, (int, float, date)):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None]  # YAML's empty "- " items
    return [value] if isinstance(value, (str, int, float, date)) else value


Text = Annotated[str | None, BeforeValidator(_as_text)]
Texts = Annotated[list[Annotated[str, BeforeValidator(_as_text)]], BeforeValidator(_as_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


_M = TypeVar("_M", bound=_Model)
# A list of entries that may also be written as one entry (``work: {...}``).
Items = Annotated[list[_M], BeforeValidator(_as_list)]


class _Named(_Model):
    """Entries that may be written as a bare string: ``skills: [Python, SQL]``."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Location(_Model):
    address: Text = None
    city: Text = None
    region: Text = None
    countryCode: Text = None


class Profile(_Model):
    network: Text = None
    username: Text = None
    url: Text = None


class Basics(_Model):
    name: Text = None
    label: Text = None
    email: Text = None
    phone: Text = None
    url: Text = None
    website: Text = None  # schema before v1.0
    summary: Text = None
    location: Location | None = None
    profiles: Items[Profile] = []


class Work(_Model):
    name: Text = None
    company: Text = None  # schema before v1.0
    position: Text = None
    location: Text = None
    startDate: Text = None
    endDate: Text = None
    summary: Text = None
    highlights: Texts = []


class Volunteer(_Model):
    organization: Text = None
    position: Text = None
    startDate: Text = None
    endDate: Text = None
    summary: Text = None
    highlights: Texts = []


class Education(_Model):
    institution: Text = None
    area: Text = None
    studyType: Text = None
    startDate: Text = None
    endDate: Text = None
    score: Text = None
    gpa: Text = None  # schema before v1.0
    courses: Texts = []


class Skill(_Named):
    name: Text = None
    keywords: Texts = []


class Project(_Named):
    name: Text = None
    description: Text = None
    startDate: Text = None
    endDate: Text = None
    highlights: Texts = []
    keywords: Texts = []
    roles: Texts = []


class Certificate(_Named):
    name: Text = None
    issuer: Text = None
    date: Text = None


class Award(_Model):
    title: Text = None
    awarder: Text = None
    date: Text = None
    summary: Text = None


class Publication(_Named):
    name: Text = None
    publisher: Text = None
    releaseDate: Text = None
    summary: Text = None


class Language(_Model):
    language: Text = None
    fluency: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"language": value} if isinstance(value, str) else value


class Interest(_Named):
    name: Text = None
    keywords: Texts = []


class JsonResume(_Model):
    basics: Basics | None = None
    work: Items[Work] = []
    volunteer: Items[Volunteer] = []
    education: Items[Education] = []
    awards: Items[Award] = []
    certificates: Items[Certificate] = []
    publications: Items[Publication] = []
    skills: Items[Skill] = []
    languages: Items[Language] = []
    interests: Items[Interest] = []
    projects: Items[Project] = []


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _no_surrogates(data: Any, where: str, path: str = "") -> None:
    """A lone surrogate (JSON's "\\ud800") is not text: no file can hold it. Refused, naming the field."""
    if isinstance(data, str):
        found = _SURROGATE_RE.search(data)
        if found:
            at = f" in {path}" if path else ""
            raise input_error(where, f"a lone surrogate (\\u{ord(found.group()):04x}){at} is not text")
    elif isinstance(data, dict):
        for key, value in data.items():
            _no_surrogates(key, where, path)
            _no_surrogates(value, where, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            _no_surrogates(value, where, f"{path}.{n}" if path else str(n))


def load_json(text: str, where: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(where, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise input_error(where, "malformed JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer literal with thousands of digits
        raise input_error(where, f"malformed JSON ({one_line(exc)})") from None
    _no_surrogates(data, where)
    return data


def load_yaml(text: str, where: str) -> Any:
    """Parse with the safe loader only: tags such as ``!!python/object`` are refused, never run."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" at line {mark.line + 1}" if mark is not None else ""
        refused_tag = isinstance(exc, yaml.constructor.ConstructorError) and "tag" in (exc.problem or "")
        what = "YAML tag not allowed" if refused_tag else "malformed YAML"
        raise input_error(where, f"{what}{line}: {one_line(exc.problem or exc.context or exc)}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise input_error(where, f"malformed YAML ({one_line(exc)})") from None


def json_resume_to_markdown(data: Any, where: str, kind: str) -> str:
    """Validate parsed JSON/YAML as a JSON Resume and render it; ``kind`` names the syntax in errors."""
    return json_resume_to_document(data, where, kind)[0]


def json_resume_to_document(data: Any, where: str, kind: str) -> tuple[str, tuple[str, ...]]:
    """The JSON Resume as Markdown-like text, and the field path each of its lines came from.

    One origin per line of ``text.split("\n")`` (the empty string after the last newline
    included): a dotted path into ``data`` as loaded, list indexes counting the None items
    the models drop ("work.0.highlights.2", "skills.1.keywords", "awards.0"; a lone value
    written where a list belongs has no index: "work.0.highlights"), or "" for a line the
    reader composed (a heading, "Title — Employer", dates, contact details, a blank line).
    """
    if not isinstance(data, dict):
        raise input_error(where, f"not a JSON Resume (the {kind} holds a {_type_name(data)}, not an object)")
    if not _RESUME_KEYS.intersection(key for key in data if isinstance(key, str)):
        raise input_error(where, "not a JSON Resume (none of basics, work, education, skills)")
    try:
        resume = JsonResume.model_validate(data)
    except ValidationError as exc:
        raise input_error(where, f"invalid JSON Resume ({_first_problem(exc)})") from None
    except RecursionError:
        raise input_error(where, "invalid JSON Resume (nested too deeply)") from None
    pieces = _render(resume, data)
    raw = "\n".join(piece for piece, _ in pieces) + "\n"
    text = normalise_text(raw)
    require_words(text, where, "JSON Resume has no content")
    return text, _line_origins(pieces, raw, text)


def render_markdown(resume: JsonResume) -> str:
    """Markdown in the shape the text parser reads: ``#`` name, ``##`` sections, ``###`` entries, ``- `` bullets."""
    return "\n".join(piece for piece, _ in _render(resume, None)) + "\n"


# A piece of the rendering, one line or several (a value may hold line breaks), and its origin.
_Piece = tuple[str, str]
# Whatever normalising may turn into a line break (see readers._text).
_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")


def _line_origins(pieces: list[_Piece], raw: str, text: str) -> tuple[str, ...]:
    """The origin of each line of ``text``, which is ``normalise_text(raw)``, ``raw`` the pieces joined.

    Normalising may add line breaks (a lone "\r" or U+2028 in a value), drop blank lines at
    the ends, or (ftfy) turn a control character into text, so each piece is normalised on
    its own, between two sentinels that keep its edge lines, with the whole text's choice
    of mojibake repair (which works line by line), to count the lines it becomes. Those lines
    must give ``text`` exactly, or no line gets a path (and no edit lands on any).
    """
    repair = not raw.isascii() and _may_be_mojibake(raw) and bool(_NEEDS_FTFY.search(raw))
    lines: list[str] = []
    origins: list[str] = []
    for piece, origin in pieces:
        wrapped = normalise_text(f"|{piece}|", repair=repair)[:-1]
        if len(wrapped) < 2 or wrapped[0] != "|" or wrapped[-1] != "|":
            return ("",) * len(text.split("\n"))
        piece_lines = wrapped[1:-1].split("\n")
        piece_lines[-1] = piece_lines[-1].rstrip(" \t")
        lines += piece_lines
        origins += [origin] * len(piece_lines)
    first = next((k for k, line in enumerate(lines) if line), len(lines))
    last = max((k + 1 for k, line in enumerate(lines) if line), default=first)
    lines, origins = [*lines[first:last], ""], [*origins[first:last], ""]
    if "\n".join(lines) != text:
        return ("",) * len(text.split("\n"))
    return tuple(origins)


def _render(resume: JsonResume, data: Any) -> list[_Piece]:
    """The rendering piece by piece, each with its path into ``data``, the resume as loaded
    (``None``: paths count the models' own items)."""
    out: list[_Piece] = []
    basics = resume.basics or Basics()
    if basics.name:
        out.append((f"# {basics.name}", "basics.name"))
    if basics.label:
        out.append((basics.label, "basics.label"))
    contact = _join(" · ", [basics.email, basics.phone, basics.url or basics.website, _place(basics.location)])
    profiles = [_join(": ", [p.network, p.url or p.username]) for p in basics.profiles]
    if contact or any(profiles):
        out.append((_join(" · ", [contact, *profiles]), ""))
    if basics.summary:
        out += [("", ""), ("## Summary", ""), ("", ""), (basics.summary, "basics.summary")]
    _entries(out, "Experience", [
        (w.position, w.name or w.company, w.startDate, w.endDate, w.location,
         _pieces(path, "summary", w.summary), _texts(w.highlights, item, path, "highlights"))
        for w, (path, item) in _items(resume.work, data, "", "work")])
    _entries(out, "Projects", [
        (p.name, None, p.startDate, p.endDate, _join(", ", p.roles), _pieces(path, "description", p.description),
         [*_texts(p.highlights, item, path, "highlights"), *_pieces(path, "keywords", *_keywords(p.keywords))])
        for p, (path, item) in _items(resume.projects, data, "", "projects")])
    _entries(out, "Volunteering", [
        (v.position, v.organization, v.startDate, v.endDate, None,
         _pieces(path, "summary", v.summary), _texts(v.highlights, item, path, "highlights"))
        for v, (path, item) in _items(resume.volunteer, data, "", "volunteer")])
    _bullets(out, "Skills", [_labelled_pieces(s.name, s.keywords, path, item)
                             for s, (path, item) in _items(resume.skills, data, "", "skills")])
    _entries(out, "Education", [
        (_degree(e), e.institution, e.startDate, e.endDate, None,
         [*_pieces(path, "score" if e.score else "gpa", _field("GPA", e.score or e.gpa).strip()),
          *_pieces(path, "courses", _field("Courses", ", ".join(e.courses)).strip())], [])
        for e, (path, _) in _items(resume.education, data, "", "education")])
    _bullets(out, "Certifications", [[(_titled(c.name, c.issuer, c.date, None), path)]
                                     for c, (path, _) in _items(resume.certificates, data, "", "certificates")])
    _bullets(out, "Awards", [[(_titled(a.title, a.awarder, a.date, a.summary), path)]
                             for a, (path, _) in _items(resume.awards, data, "", "awards")])
    _bullets(out, "Publications", [[(_titled(p.name, p.publisher, p.releaseDate, p.summary), path)]
                                   for p, (path, _) in _items(resume.publications, data, "", "publications")])
    _bullets(out, "Languages", [[(_join(" ", [lang.language, f"({lang.fluency})" if lang.fluency else None]), path)]
                                for lang, (path, _) in _items(resume.languages, data, "", "languages")])
    _bullets(out, "Interests", [_labelled_pieces(i.name, i.keywords, path, item)
                                for i, (path, item) in _items(resume.interests, data, "", "interests")])
    return out


_T = TypeVar("_T")


def _items(models: list[_T], data: Any, base: str, key: str) -> list[tuple[_T, tuple[str, Any]]]:
    """Each item the lenient model holds for ``data[key]``, with its path and its value as loaded.

    List items keep their index in the loaded list (the None items the model dropped still
    count); a lone value written where a list belongs has the key's own path, no index.
    ``base`` is the parent's path ("" at the top level); ``data`` None (no loaded data to
    count in): the models' own indexes.
    """
    path = f"{base}.{key}" if base else key
    value = data.get(key) if isinstance(data, dict) else None
    if data is None:
        slots: list[tuple[str, Any]] = [(f"{path}.{k}", None) for k in range(len(models))]
    elif isinstance(value, list):
        slots = [(f"{path}.{k}", item) for k, item in enumerate(value) if item is not None]
    else:
        slots = [(path, value)] if value is not None else []
    if len(slots) != len(models):  # not a shape the models take: these lines get no path
        slots = [("", None)] * len(models)
    return list(zip(models, slots, strict=True))


def _texts(texts: list[str], data: Any, base: str, key: str) -> list[_Piece]:
    """A list of strings of the entry at ``base`` (its highlights), each with its path ("" without one)."""
    if not base:
        return [(text, "") for text in texts]
    return [(text, path) for text, (path, _) in _items(texts, data, base, key)]


def _pieces(base: str, key: str, *texts: str | None) -> list[_Piece]:
    """The non-empty ``texts``, all from field ``key`` of the entry at ``base``."""
    return [(text, f"{base}.{key}" if base else "") for text in texts if text]


def _labelled_pieces(name: str | None, keywords: list[str], path: str, item: Any) -> list[_Piece]:
    """A skills (or interests) line, "Name: keywords", as pieces: a name that holds line breaks is
    its own lines (its path the name's), so only the line with the keywords has their path."""
    text = _labelled(name, keywords)
    origin = _named_origin(path, item, keywords)
    head = _join("", [name])  # the name as ``_labelled`` writes it
    if not origin.endswith(".keywords") or not head or not _BREAKS.search(head):
        return [(text, origin)]
    cut = head.rfind("\n")
    if _BREAKS.search(head[cut + 1:]):  # a break normalising makes, not one of the text's own: no path
        return [(text, "")]
    return [(head[:cut], f"{path}.name"), (text[cut + 1:], origin)]


def _named_origin(path: str, item: Any, keywords: list[str]) -> str:
    """A skills (or interests) line's origin: its keywords; a bare-string entry itself; else its name."""
    if not path:
        return ""
    if ", ".join(keywords).strip():  # as ``_labelled`` shows them
        return f"{path}.keywords"
    return path if isinstance(item, str) else f"{path}.name"


_Entry = tuple[str | None, str | None, str | None, str | None, str | None, list[_Piece], list[_Piece]]


def _entries(out: list[_Piece], title: str, entries: list[_Entry]) -> None:
    entries = [entry for entry in entries if any(entry[:6]) or entry[6]]
    if not entries:
        return
    out += [("", ""), (f"## {title}", "")]
    for heading, place, start, end, where, summary, bullets in entries:
        out += [("", ""), (f"### {_join(' — ', [heading, place]) or 'Untitled'}", "")]
        dates = _join(" · ", [_date_range(start, end), where])
        if dates:
            out.append((dates, ""))
        out += summary
        out += [(f"- {bullet}", origin) for bullet, origin in bullets if bullet.strip()]


def _bullets(out: list[_Piece], title: str, lines: Iterable[list[_Piece]]) -> None:
    """A section of ``- `` lines, each given as the pieces it is made of."""
    shown = [pieces for pieces in lines if "\n".join(piece for piece, _ in pieces)]
    if shown:
        out += [("", ""), (f"## {title}", ""), ("", "")]
        for (first, origin), *rest in shown:
            out += [(f"- {first}", origin), *rest]


def _type_name(data: Any) -> str:
    return {list: "list", str: "string", type(None): "nothing"}.get(type(data), type(data).__name__)


def _first_problem(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]).lstrip(".")
    more = f"; and {len(errors) - 1} more" if len(errors) > 1 else ""
    return one_line(f"{where or 'top level'}: {first['msg']}{more}")


def _join(separator: str, parts: Iterable[str | None]) -> str:
    return separator.join(part.strip() for part in parts if part and part.strip())


def _place(location: Location | None) -> str:
    return _join(", ", [location.city, location.region, location.countryCode]) if location else ""


def _degree(education: Education) -> str:
    return _join(" in ", [education.studyType, education.area])


def _keywords(keywords: list[str]) -> list[str]:
    return [f"Keywords: {', '.join(keywords)}"] if keywords else []


def _labelled(name: str | None, keywords: list[str]) -> str:
    return _join(": ", [name, ", ".join(keywords)])


def _field(label: str, value: str | None) -> str:
    return f"{label}: {value}" if value else ""


def _titled(name: str | None, by: str | None, when: str | None, summary: str | None) -> str:
    head = _join(" — ", [name, by])
    when_text = _date(when)
    if when_text:
        head = f"{head} ({when_text})" if head else when_text
    return _join(": ", [head, summary])


def _date(value: str | None) -> str:
    """ISO dates as resumes print them ("2020-01-15" -> "Jan 2020"); anything else as written."""
    if not value:
        return ""
    match = _ISO_DATE.match(value.strip())
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    return value.strip()


def _date_range(start: str | None, end: str | None) -> str:
    if not start:
        return _date(end)
    return f"{_date(start)} – {_date(end) or 'Present'}"
