"""Resumes and job descriptions from normalised text into models, robust to messy input.

The parser works line by line: it finds headings (Markdown, bold, ALL CAPS,
"Skills:" lines or a bare known section name), splits one giant line pasted
out of a PDF on section names and bullet characters first, then reads each
section by its kind. It never fails on text; only an empty document is an error.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._dates import find_range
from tailor.pipeline.tailoring._text import (
    BULLET_RE,
    CONTACT_RE,
    EMAIL_RE,
    LINK_RE,
    PHONE_RE,
    is_bullet,
    strip_bullet,
    words,
)
from tailor.pipeline.tailoring.models import (
    Contact,
    JobPosting,
    JobSection,
    Resume,
    Role,
    Section,
    SectionKind,
)

_SECTION_NAMES: dict[str, SectionKind] = {}
for _kind, _names in {
    "summary": "summary|professional summary|profile|professional profile|about|about me|objective|career objective|"
    "career summary|executive summary|overview|personal statement|summary of qualifications|qualifications summary|"
    "professional overview|personal profile",
    "experience": "experience|work experience|professional experience|employment|employment history|work history|"
    "career history|relevant experience|company details|professional background|experience details|"
    "employment experience|clinical experience|sales experience|design experience|industry experience|"
    "positions held|career|work",
    "skills": "skills|technical skills|core competencies|competencies|skill details|key skills|skills and abilities|"
    "areas of expertise|expertise|technologies|tech stack|technical proficiencies|skills summary|core skills|"
    "tools and technologies|technical expertise|skill set|skillset|clinical skills|professional skills|"
    "key competencies|relevant skills|strengths",
    "education": "education|education details|academic background|academics|education and training|"
    "academic qualifications|educational background",
    "projects": "projects|personal projects|key projects|selected projects|side projects|project experience|"
    "academic projects|portfolio",
    "certifications": "certifications|certification|certificates|licenses|licences|licenses and certifications|"
    "certifications and licenses|licensure|credentials|licenses and certificates|professional certifications",
    "other": "awards|publications|volunteer|volunteer experience|volunteering|languages|interests|references|honors|"
    "honours|activities|achievements|accomplishments|affiliations|memberships|professional memberships|courses|"
    "coursework|training|additional information|hobbies|leadership|community involvement|patents|conferences",
}.items():
    for _name in _names.split("|"):
        _SECTION_NAMES[_name] = _kind  # type: ignore[assignment]

_MD_HEADING_RE = regex(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_BOLD_LINE_RE = regex(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_LABEL_RE = regex(r"^\s*(?:\*\*|__)?([A-Za-z][A-Za-z &/]{1,40}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.*)$")
_TABLE_RULE_RE = regex(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SKILL_DETAIL_RE = regex(r"\s*[-–:]?\s*\b(?:exp[er]+i?ence|exprience|experience)\b\s*[-–:]?.*$", re.IGNORECASE)
_INLINE_BULLET_RE = regex(r"\s+(?=[•●▪◦■►▸➢➤✓✔]\s*)|\s+(?=[*]\s+\S)|(?<=[.!?:])\s+(?=[-–]\s+[A-Z])")
_TITLE_WORDS = frozenset(
    """engineer developer manager nurse analyst designer director intern specialist representative consultant lead
    scientist coordinator associate executive officer assistant administrator architect technician rn lpn cna lvn np
    programmer head vp president founder co-founder cofounder owner teacher instructor accountant recruiter writer
    editor researcher supervisor agent advisor adviser strategist marketer sdr bdr ae therapist practitioner clerk
    cashier tutor fellow contractor freelancer freelance sre devops principal partner pharmacist physician
    technologist producer trainee apprentice cto ceo cfo coo chief controller auditor planner buyer paralegal
    attorney counsel operator educator professor lecturer scrum owner secretary receptionist medic paramedic
    aide caregiver chef stylist photographer""".split()
)
_SKILL_LABELS = frozenset(
    "languages tools systems clinical leadership frameworks platforms software technical soft other databases cloud "
    "design sales data methods technologies libraries programming certifications interpersonal".split()
)
_TRAILING_LOCATION_RE = regex(r",\s*[A-Z][a-z]+(?: [A-Z][a-z]+)*,\s*[A-Z]{2}$")
_LOCATION_RE = regex(r"^(?:remote|hybrid|on-?site|[A-Z][a-z]+(?: [A-Z][a-z]+)*,\s*[A-Z]{2})$", re.IGNORECASE)
_ROLE_MAIN_SPLIT_RE = regex(r"\s+(?:\||—|–|@|at|·|•)\s+|\s*\|\s*|\t+|\s{3,}")
_ROLE_SPLIT_RE = regex(r"\s+(?:\||—|–|-|@|at|·|•)\s+|\s*\|\s*|,\s+|\t+|\s{3,}")


_COLUMNS_RE = regex(r"\s{3,}")
_CAPS_NAMES = "EXPERIENCE|WORK EXPERIENCE|PROFESSIONAL EXPERIENCE|SKILLS|TECHNICAL SKILLS|EDUCATION|SUMMARY|PROFILE|PROJECTS|CERTIFICATIONS"
_CAPS_EDGE_RE = regex(
    rf"^(?P<name>{_CAPS_NAMES})\s+[•·|–-]\s*(?P<rest>\S.*)$|^(?P<rest2>.*\S)\s+(?P<name2>{_CAPS_NAMES})$"
)


def _heading_key(text: str) -> str:
    text = re.sub(r"[*_#`:：]+", " ", text).replace("&", " and ")
    return " ".join(text.lower().split())


def _section_kind(text: str) -> SectionKind | None:
    return _SECTION_NAMES.get(_heading_key(text))


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return 3 <= len(letters) and all(c.isupper() for c in letters) and len(line.split()) <= 5


@functools.cache
def _inline_heading_re() -> re.Pattern[str]:
    # Section names in Title Case or ALL CAPS, as whole words, start a line of their own.
    names = sorted({n for n in _SECTION_NAMES if len(n) > 3}, key=len, reverse=True)
    titled = "|".join(re.escape(n.title()) + "|" + re.escape(n.upper()) for n in names)
    return regex(rf"(?<![\w&])({titled})(?:\s*[:\-–]?\s+|\s*$)")


def _split_giant(text: str) -> str:
    """Give a document pasted as one huge line (or a few) its line breaks back."""
    lines = text.split("\n")
    if max((len(line) for line in lines), default=0) < 300:
        return text
    heading_re = _inline_heading_re()
    out = []
    for line in lines:
        if len(line) < 300:
            out.append(line)
            continue
        line = heading_re.sub(lambda m: f"\n{m.group(1)}\n", line)
        line = _INLINE_BULLET_RE.sub("\n", line)
        out.append(line)
    return "\n".join(part.strip(" :-–") if _section_kind(part) else part for part in "\n".join(out).split("\n"))


def _headings(lines: list[str]) -> list[tuple[int, SectionKind | None, str, str]]:
    """(line index, kind or None for an unknown heading, heading text, inline content) of each section start."""
    found: list[tuple[int, SectionKind | None, str, str]] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        md = _MD_HEADING_RE.match(line)
        if md:
            text = md.group(2).strip("*_ ")
            kind = _section_kind(text)
            if kind or (len(md.group(1)) == 2 and text):
                found.append((i, kind or "other", text, ""))
            continue
        bold = _BOLD_LINE_RE.match(line)
        candidate = bold.group(1) if bold else line
        kind = _section_kind(candidate)
        if kind and len(candidate) <= 60:
            found.append((i, kind, candidate.strip(" :*_"), ""))
            continue
        label = _LABEL_RE.match(line)
        if label and (kind := _section_kind(label.group(1))):
            found.append((i, kind, label.group(1).strip(), label.group(2).strip()))
            continue
        # Two-column PDF text: a section name in one column ("Nashville, TN        Experience"), or an
        # ALL-CAPS one run into the other column's text ("555-0153 EXPERIENCE", "SKILLS • Closed $870K").
        caps = _CAPS_EDGE_RE.match(line)
        if caps:
            name, rest = (caps.group("name"), caps.group("rest")) if caps.group("name") else (caps.group("name2"), caps.group("rest2"))
            if (kind := _section_kind(name)) is not None:
                found.append((i, kind, name, rest.strip(" •·|-–")))
                continue
        columns = _COLUMNS_RE.split(line)
        if len(columns) == 2:
            for n, column in enumerate(columns):
                if (kind := _section_kind(column)) is not None:
                    found.append((i, kind, column.strip(), columns[1 - n].strip()))
                    break
    return found


def _contact(header: list[str], text: str) -> Contact:
    email = EMAIL_RE.search(text)
    scan = EMAIL_RE.sub(" ", LINK_RE.sub(" ", text[:3000]))
    phone = next((m.group() for m in PHONE_RE.finditer(scan) if sum(c.isdigit() for c in m.group()) >= 9), "")
    links = tuple(dict.fromkeys(m.group().rstrip(".") for m in LINK_RE.finditer(text[:3000])))
    name = headline = location = ""
    for raw in header:
        line = _MD_HEADING_RE.sub(r"\2", raw).strip().strip("*_ ")
        if not line or EMAIL_RE.search(line) or LINK_RE.search(line) or PHONE_RE.search(line):
            parts = [p.strip() for p in re.split(r"\s*[|•·]\s*|\s+[-–—]\s+", line)]
            location = location or next((p for p in parts if _LOCATION_RE.match(p) and "," in p), "")
            plain = [p for p in parts if p and not CONTACT_RE.search(p) and not _LOCATION_RE.match(p)
                     and len(p.split()) <= 8 and not any(ch.isdigit() for ch in p)]
            if not name and plain:
                name, plain = plain[0], plain[1:]
            if name and not headline and plain:
                headline = plain[0]
            continue
        if _LABEL_RE.match(line) and not name:
            continue
        if not name and 1 <= len(line.split()) <= 6 and not find_range(line):
            name = line
        elif name and not headline and len(line.split()) <= 12 and not line.endswith("."):
            headline = line
        elif name and not location and _LOCATION_RE.match(line) and "," in line:
            location = line
    return Contact(name=name, headline=headline, email=email.group() if email else "", phone=phone.strip(),
                   location=location, links=links)


def _clean_part(part: str) -> str:
    return part.strip(" \t*_#()[]|,;:-–—").strip()


def _role_from_block(block: list[str], section: int) -> Role:
    text = " | ".join(block)
    dates = find_range(text)
    if dates is not None:
        text = text[: dates.span[0]] + "   " + text[dates.span[1]:]
    parts = [p for p in (_clean_part(p) for p in _ROLE_MAIN_SPLIT_RE.split(text)) if p]
    if len(parts) < 2:
        parts = [p for p in (_clean_part(p) for p in _ROLE_SPLIT_RE.split(text)) if p]
    parts = [p for p in parts if not _LOCATION_RE.match(p)]
    parts = [p for p in parts if p.lower() not in {"company", "description", "present", "to"}]
    title = next((p for p in parts if _TITLE_WORDS & {w.lower() for w in words(p)}), "")
    rest = [p for p in parts if p != title]
    if not title and rest:
        title, rest = rest[0], rest[1:]
    employer = _TRAILING_LOCATION_RE.sub("", rest[0]) if rest else ""
    return Role(
        title=title[:120],
        employer=employer[:120],
        dates=dates.text.strip() if dates else "",
        start=dates.start if dates else None,
        end=dates.end if dates else None,
        current=bool(dates and dates.end is None),
        section=section,
    )


def _is_markup_heading(text: str) -> bool:
    return bool(_MD_HEADING_RE.match(text) or _BOLD_LINE_RE.match(text))


def _looks_like_header(text: str, following: str, after: str = "") -> bool:
    """A role header line: a heading, a line with a date range, or a short title-ish line before one of those."""
    if _is_markup_heading(text):
        return True
    if find_range(text):
        return len(text.split()) <= 16
    if len(text.split()) > 10 or text.endswith((".", ";", ",")):
        return False
    titled = bool(_TITLE_WORDS & {w.lower() for w in words(text)}) or _ROLE_SPLIT_RE.search(text) is not None
    return titled and bool(following) and (
        is_bullet(following) or _is_markup_heading(following) or find_range(following) is not None
        # a three-line header: title / employer / dates
        or (len(following.split()) <= 8 and not following.endswith(".") and find_range(after) is not None)
    )


def _split_run_on(line: str) -> list[str]:
    """A long line holding whole roles ("Analyst at Acme, 2019 - 2021: built ...; Intern at ...") as header + text lines."""
    if len(line) < 60 or find_range(line) is None:
        return [line]
    bullet = is_bullet(line)
    out = []
    for n, segment in enumerate(re.split(r";\s+", strip_bullet(line) if bullet else line)):
        dates = find_range(segment)
        if (dates is not None and dates.span[1] <= 120 and not (bullet and n == 0)
                and re.match(r"\s*[:.)\]]\s+", segment[dates.span[1]:])):
            out.append(segment[: dates.span[1]].strip())
            segment = re.sub(r"^\s*[:.)\]]\s+", "", segment[dates.span[1]:])
        if segment.strip():
            out.append(("- " if bullet and n == 0 else "") + segment.strip())
    return out


def _roles(lines: list[str], section: int) -> list[Role]:
    content = [part for line in lines if line.strip() for part in _split_run_on(line.strip())]
    roles: list[Role] = []
    block: list[str] = []
    bullets: list[str] = []
    current: Role | None = None

    def close() -> None:
        nonlocal current, bullets
        if current is not None:
            roles.append(current.model_copy(update={"bullets": tuple(bullets)}))
        current, bullets = None, []

    def open_block() -> None:
        nonlocal current, block
        close()
        current, block = _role_from_block(block, section), []

    for n, line in enumerate(content):
        following = content[n + 1] if n + 1 < len(content) else ""
        after = content[n + 2] if n + 2 < len(content) else ""
        if is_bullet(line):
            if block:
                open_block()
            elif current is None:
                current = Role(section=section)
            bullets.append(strip_bullet(line))
        elif _looks_like_header(line, following, after):
            if block and find_range(line) and find_range("  ".join(block)):
                open_block()  # two headers in a row, each with its dates: a role with no bullets
            close()
            block.append(line)
        else:
            if block:
                open_block()
            elif current is None:
                current = Role(section=section)
            bullets.append(line.strip("*_ "))
    if block:
        open_block()
    close()
    return [r for r in roles if r.title or r.employer or r.bullets or r.dates]


def _split_items(line: str) -> list[str]:
    """Split a skills line on commas etc., but not inside parentheses: "Python (pandas, NumPy)" stays one item."""
    depth, buf = 0, []
    for ch in line:
        depth += ch in "(["
        depth -= ch in ")]" and depth > 0
        buf.append("\0" if depth == 0 and ch in ",;|•●▪·\t" else ch)
    return [p for p in (s.strip() for s in re.split(r"\0|\s{3,}", "".join(buf))) if p]


def _skill_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or _TABLE_RULE_RE.match(line):
            continue
        line = strip_bullet(line).strip("|").strip()
        label = _LABEL_RE.match(line)
        if label and len(label.group(1).split()) <= 4 and label.group(2):
            line = label.group(2)
        elif line.count(",") >= 1 and (first := line.split(" ", 1))[0].lower() in _SKILL_LABELS and len(first) > 1:
            line = first[1]  # "Systems Epic EHR, Pyxis": a category label whose colon a PDF lost
        line = _SKILL_DETAIL_RE.sub("", line) if re.search(r"exp[er]+i?ence\s*[-–:]", line, re.I) else line
        for item in _split_items(line):
            item = item.strip(" .*_-–").strip()
            if item and len(item) <= 120:
                items.append(item)
    return list(dict.fromkeys(items))


def _plain_item(line: str) -> str:
    text = _MD_HEADING_RE.sub(r"\2", strip_bullet(line)).strip()
    bold = _BOLD_LINE_RE.match(text)
    return bold.group(1).strip() if bold else text


def _plain_items(lines: list[str]) -> list[str]:
    return [item for item in map(_plain_item, lines) if item]


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped continuation lines (indented, or starting in lower case) onto the line they continue."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        prev = out[-1].strip() if out else ""
        continues = (
            stripped and prev and not is_bullet(stripped) and not _MD_HEADING_RE.match(stripped)
            and not _MD_HEADING_RE.match(prev) and not _BOLD_LINE_RE.match(prev) and not _section_kind(prev)
            and (line[:2] == "  " and is_bullet(prev)
                 or stripped[0].islower() and len(prev) >= 50 and not prev.endswith((".", ":", "!", "?"))
                 and not CONTACT_RE.search(stripped))
        )
        if continues:
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(line.rstrip())
    return out


def _normalise_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    text = _split_giant(text)
    return _unwrap(text.split("\n"))


def parse_resume(doc: SourceDocument) -> Resume:
    """The resume in ``doc`` as a Resume; raises InputError only when it holds no text at all."""
    if not doc.text.strip():
        raise InputError(f"{doc.path}: the resume is empty")
    lines = _normalise_lines(doc.text)
    starts = _headings(lines)
    header_end = starts[0][0] if starts else len(lines)
    header = [line for line in lines[:header_end] if line.strip()]
    body_sections: list[tuple[SectionKind, str, list[str]]] = []
    if starts:
        for n, (i, kind, heading, inline) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
            content = ([inline] if inline else []) + [line for line in lines[i + 1 : end] if line.strip()]
            body_sections.append((kind or "other", heading, content))
    else:
        # No headings at all: keep the first short lines as the header, read the rest as
        # experience when it carries date ranges (text pasted out of a PDF), else as a summary.
        cut = next((k for k, line in enumerate(header) if k >= 1 and (len(line.split()) > 8 or line.endswith(".")
                                                                      or find_range(line) or is_bullet(line))), len(header))
        body = header[cut:]
        header = header[:cut]
        if body:
            first_date = next((k for k, line in enumerate(body) if find_range(line)), None)
            if first_date is None:
                body_sections.append(("summary", "", body))
            else:
                if first_date:
                    body_sections.append(("summary", "", body[:first_date]))
                body_sections.append(("experience", "", body[first_date:]))
    sections: list[Section] = []
    if header:
        sections.append(Section(kind="header", lines=tuple(header)))
    summary: list[str] = []
    roles: list[Role] = []
    skills: list[str] = []
    education: list[str] = []
    certifications: list[str] = []
    projects: list[str] = []
    for kind, heading, content in body_sections:
        index = len(sections)
        sections.append(Section(kind=kind, heading=heading, lines=tuple(content)))
        if kind == "summary":
            summary.extend(_plain_items(content))
        elif kind == "experience":
            roles.extend(_roles(content, index))
        elif kind == "skills":
            skills.extend(_skill_items(content))
        elif kind == "education":
            education.extend(_plain_items(content))
        elif kind == "certifications":
            certifications.extend(_plain_items(content))
        elif kind == "projects":
            projects.extend(_plain_items(content))
    return Resume(
        path=doc.path,
        source=doc,
        contact=_contact(header, doc.text),
        summary=" ".join(summary),
        sections=tuple(sections),
        roles=tuple(roles),
        skills=tuple(dict.fromkeys(skills)),
        education=tuple(education),
        certifications=tuple(certifications),
        projects=tuple(projects),
    )


# --- job descriptions -------------------------------------------------------------------------

_JOB_KINDS: tuple[tuple[str, str], ...] = (
    ("benefits", r"benefit|perks|compensation|salary|what we offer|why join|why you'll love|equal opportunity|eeo|pay range|schedule and pay|^pay\b|what we offer"),
    ("preferred", r"prefer|nice[- ]to[- ]have|bonus|\bplus\b|desir|ideal|great to have|extra credit|additional skills"),
    ("required", r"require|qualification|must[- ]have|what you bring|what you'll need|what we're looking for|you have|"
                 r"who you are|skills|experience|minimum|basic|essential|about you|what you need|your profile|competenc"),
    ("responsibilities", r"responsibilit|what you'll do|what you will do|duties|the role|your role|you will|day[- ]to[- ]day|"
                         r"accountabilit|the job|the work|key tasks|in this role|what you'll be doing|job description|overview|summary"),
    ("about", r"about us|about the company|about the team|who we are|our company|our mission|company|our team|about|"
              r"how we work|culture|our values|life at|why us"),
)
_JOB_TITLE_RE = regex(r"^\s*(?:\*\*)?(?:job\s+title|position(?:\s+title)?|title|role|job)(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(.+?)\s*(?:\*\*)?$", re.I)


_JOB_KIND_RES = tuple((kind, regex(pattern)) for kind, pattern in _JOB_KINDS)


def _job_section_kind(heading: str) -> str:
    low = heading.lower()
    return next((kind for kind, pattern in _JOB_KIND_RES if pattern.search(low)), "other")


def _job_heading(line: str) -> str | None:
    text = line.strip()
    md = _MD_HEADING_RE.match(text)
    if md:
        return md.group(2).strip("*_ :") or None
    bold = _BOLD_LINE_RE.match(text)
    if bold:
        return bold.group(1).strip(" :")
    n = len(text.split())
    if text.endswith(":") and n <= 8 and not is_bullet(text):
        return text.rstrip(":").strip("*_ ")
    if n <= 6 and _is_caps_heading(text):
        return text
    if n <= 6 and _job_section_kind(text) not in ("other",) and not text.endswith(".") and not is_bullet(text):
        return text
    return None


_SENTENCE_SPLIT_RE = regex(r"(?<=[.!?])\s+(?=[A-Z(•*-])|\s+(?=[•●▪]\s)")


def _sentences(line: str) -> list[str]:
    parts = _SENTENCE_SPLIT_RE.split(line)
    return [p.strip() for p in parts if p.strip()]


def parse_job(doc: SourceDocument) -> JobPosting:
    """The job posting in ``doc``: its title and its sections with their lines (one sentence per line)."""
    if not doc.text.strip():
        raise InputError(f"{doc.path}: the job description is empty")
    lines = [line.strip() for line in _normalise_lines(doc.text)]
    title = ""
    sections: list[JobSection] = []
    heading, buf = "", list[str]()

    def flush() -> None:
        if heading or buf:
            sections.append(JobSection(heading=heading, kind=_job_section_kind(heading) if heading else "other",  # type: ignore[arg-type]
                                       lines=tuple(buf)))

    for line in lines:
        if not line:
            continue
        m = _JOB_TITLE_RE.match(line)
        if m and not title:
            title = m.group(1).strip("*_# ")
            continue
        found = _job_heading(line)
        if found is not None:
            md = _MD_HEADING_RE.match(line)
            if not title and md and len(md.group(1)) == 1:
                title = found
                continue
            flush()
            heading, buf = found, []
            continue
        label = _LABEL_RE.match(line)
        if label and label.group(2) and _job_section_kind(label.group(1)) in ("required", "preferred") \
                and len(label.group(1).split()) <= 4:
            flush()
            heading, buf = label.group(1).strip(), []
            line = label.group(2)
        for sentence in _sentences(strip_bullet(line) if BULLET_RE.match(line) else line):
            buf.append(sentence)
    flush()
    if not title:
        first = next((ln for ln in lines if ln), "")
        first = _MD_HEADING_RE.sub(r"\2", first).strip("*_# ")
        if first and len(first.split()) <= 10 and not first.endswith(".") and _job_section_kind(first) == "other":
            title = first
    return JobPosting(path=doc.path, title=title[:150], sections=tuple(sections))


Subject = Literal["resume", "job"]


def validate_inputs(
    resume: Resume, job: JobPosting, *, resume_path: str | None = None, job_path: str | None = None
) -> list[tuple[Subject, str]]:
    """Warnings about thin inputs as (which input, problem); InputError("<path>: <problem>")
    when one cannot be tailored at all.

    The paths name the files of *this* run (default: the ones the documents were parsed
    from). A parsed document may come from the cache, parsed from the same bytes at another
    path, so the warnings carry no path: they are named when shown (``Validation.warnings_for``).
    """
    from tailor.pipeline.tailoring._text import resume_text
    from tailor.pipeline.tailoring.taxonomy import load_taxonomy

    if not any(words(resume_text(resume))):
        raise InputError(f"{resume_path or resume.path}: the resume has no readable text")
    job_text = "\n".join([job.title, *(line for s in job.sections for line in (s.heading, *s.lines))])
    has_skills = bool(load_taxonomy().skills_in(job_text))
    has_sentences = len(words(job_text)) >= 5
    if not has_skills and not has_sentences:
        raise InputError(f"{job_path or job.path}: the job description has no recognisable content (no skills, no sentences)")
    warnings: list[tuple[Subject, str]] = []
    if not resume.roles:
        warnings.append(("resume", "no roles found; years of experience will count as 0"))
    elif not any(r.start for r in resume.roles):
        warnings.append(("resume", "no role has dates an ATS can read"))
    if not resume.contact.email:
        warnings.append(("resume", "no email address found"))
    if not resume.skills:
        warnings.append(("resume", "no Skills section; one will be created from evidenced skills"))
    if not has_skills:
        warnings.append(("job", "no known skills in the job; the score relies on key terms, title and years"))
    if not job.title:
        warnings.append(("job", "no job title found"))
    return warnings
