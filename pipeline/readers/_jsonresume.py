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
from tailor.pipeline.readers._text import normalise_text, require_words

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


def load_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(where, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise input_error(where, "malformed JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer literal with thousands of digits
        raise input_error(where, f"malformed JSON ({one_line(exc)})") from None


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
    """The JSON Resume as Markdown-like text, and the field path each of its lines came from
    ("work.0.highlights.2", "skills.1.keywords", "basics.summary"; "" for a line composed here)."""
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
    lines: list[str] = []
    origins: list[str] = []
    for line, origin in _render(resume, data):
        # Each line normalised on its own, so a line that holds a line break keeps its origin.
        for part in normalise_text(line).rstrip("\n").split("\n") if line.strip() else [""]:
            lines.append(part)
            origins.append(origin)
    while lines and not lines[0].strip():
        del lines[0], origins[0]
    text = "\n".join(lines) + "\n"
    require_words(text, where, "JSON Resume has no content")
    return text, (*origins, "")


def render_markdown(resume: JsonResume) -> str:
    """Markdown in the shape the text parser reads: ``#`` name, ``##`` sections, ``###`` entries, ``- `` bullets."""
    return "\n".join(line for line, _ in _render(resume, {})) + "\n"


def _indexes(raw: Any, key: str, count: int) -> list[str]:
    """The path of each of ``count`` validated items of ``raw[key]`` in the original data.

    The models drop null items and take a lone value for a one-item list, so the
    n-th validated item is not always the n-th item written.
    """
    value = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(value, list):
        kept = [str(i) for i, item in enumerate(value) if item is not None]
        return [f"{key}.{i}" for i in kept[:count]] + [""] * (count - len(kept))
    if value is not None and count == 1:
        return [key]
    return [""] * count


def _sub(raw: Any, path: str) -> Any:
    """The original value at a dotted path ("" -> nothing)."""
    value = raw
    for part in path.split(".") if path else []:
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value if path else None


_Line = tuple[str, str]


def _render(resume: JsonResume, raw: Any) -> list[_Line]:
    out: list[_Line] = []
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
    _entries(out, "Experience", "work", raw, [(w.position, w.name or w.company, w.startDate, w.endDate, w.location,
                                                w.summary, w.highlights, []) for w in resume.work])
    _entries(out, "Projects", "projects", raw, [(p.name, None, p.startDate, p.endDate, _join(", ", p.roles),
                                                 p.description, p.highlights, _keywords(p.keywords))
                                                for p in resume.projects])
    _entries(out, "Volunteering", "volunteer", raw, [(v.position, v.organization, v.startDate, v.endDate, None,
                                                      v.summary, v.highlights, []) for v in resume.volunteer])
    paths = _indexes(raw, "skills", len(resume.skills))
    _bullets(out, "Skills", [(_labelled(s.name, s.keywords),
                              f"{path}.keywords" if path and s.keywords and isinstance(_sub(raw, path), dict) else path)
                             for s, path in zip(resume.skills, paths, strict=True)])
    _entries(out, "Education", "education", raw, [(_degree(e), e.institution, e.startDate, e.endDate, None,
                                                   _join("\n", [_field("GPA", e.score or e.gpa),
                                                                _field("Courses", ", ".join(e.courses))]), [], [])
                                                  for e in resume.education], summaries=False)
    _bullets(out, "Certifications", _paired(raw, "certificates", [_titled(c.name, c.issuer, c.date, None)
                                                                  for c in resume.certificates]))
    _bullets(out, "Awards", _paired(raw, "awards", [_titled(a.title, a.awarder, a.date, a.summary) for a in resume.awards]))
    _bullets(out, "Publications", _paired(raw, "publications", [_titled(p.name, p.publisher, p.releaseDate, p.summary)
                                                                for p in resume.publications]))
    _bullets(out, "Languages", [(_join(" ", [lang.language, f"({lang.fluency})" if lang.fluency else None]), "")
                                for lang in resume.languages])
    _bullets(out, "Interests", [(_labelled(i.name, i.keywords), "") for i in resume.interests])
    return out


def _paired(raw: Any, key: str, lines: list[str]) -> list[_Line]:
    return list(zip(lines, _indexes(raw, key, len(lines)), strict=True))


_Entry = tuple[str | None, str | None, str | None, str | None, str | None, str | None, list[str], list[str]]


def _entries(out: list[_Line], title: str, key: str, raw: Any, entries: list[_Entry], *, summaries: bool = True) -> None:
    paths = _indexes(raw, key, len(entries))
    shown = [(entry, path) for entry, path in zip(entries, paths, strict=True) if any(entry[:6]) or entry[6] or entry[7]]
    if not shown:
        return
    out += [("", ""), (f"## {title}", "")]
    for (heading, place, start, end, where, summary, bullets, extra), path in shown:
        out += [("", ""), (f"### {_join(' — ', [heading, place]) or 'Untitled'}", "")]
        dates = _join(" · ", [_date_range(start, end), where])
        if dates:
            out.append((dates, ""))
        if summary:
            field = "description" if key == "projects" else "summary"
            out.append((summary, f"{path}.{field}" if path and summaries else ""))
        item = _sub(raw, path) if path else None
        highlights = _indexes(item, "highlights", len(bullets)) if isinstance(item, dict) else [""] * len(bullets)
        out += [(f"- {bullet}", f"{path}.{hp}" if path and hp else "")
                for bullet, hp in zip(bullets, highlights, strict=True) if bullet.strip()]
        out += [(f"- {line}", "") for line in extra]


def _bullets(out: list[_Line], title: str, lines: Iterable[_Line]) -> None:
    shown = [(line, origin) for line, origin in lines if line]
    if shown:
        out += [("", ""), (f"## {title}", ""), ("", ""), *((f"- {line}", origin) for line, origin in shown)]


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
