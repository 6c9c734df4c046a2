"""What a resume evidences: skills with the line that supports each, roles, years, sections."""

from __future__ import annotations

import re
from datetime import date

from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._dates import points, total_years
from tailor.pipeline.tailoring._text import resume_pieces
from tailor.pipeline.tailoring.jobs import DEGREE_RANK, NUMBER_WORDS, degrees_in, seniority_of
from tailor.pipeline.tailoring.models import (
    Degree,
    Resume,
    ResumeProfile,
    Role,
    SectionKind,
    Seniority,
    SkillEvidence,
)
from tailor.pipeline.tailoring.taxonomy import Taxonomy, normalise

# "6+ years of experience", "over 8 years in ...", "10 years of proven experience as ...": stated, not dated.
_STATED_YEARS_RE = regex(
    r"\b(?:over\s+|more\s+than\s+|nearly\s+|almost\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s*\+?\s*(?:plus\s+)?(?:years?|yrs?)\b(?:\s+of)?(?:\s+[\w-]+){0,3}?\s+(?:experience|expertise|in|as|working|of\s+work)\b",
    re.IGNORECASE,
)
_ICONS_OR_CODES_RE = regex(r"\(cid:\d+\)|[\u2190-\u2bff\U0001F000-\U0001FAFF@]")
_SENTENCE_WORDS_RE = regex(r"\b(?:years?|experience|responsible|worked|working|i|my|am|proven|passionate)\b", re.IGNORECASE)
_PLACE_RE = regex(r"^(?:remote|hybrid|on-?site|[A-Z][\w.'-]+(?:[ -][A-Z][\w.'-]+)*,\s*(?:[A-Z]{2}|[A-Z][a-z]+)(?:\s+\d{5})?)$")

# Which line best supports a skill: a bullet of real work beats a bare list entry.
_EVIDENCE_RANK: dict[str, int] = {
    "experience": 0, "projects": 1, "certifications": 2, "education": 3, "summary": 4, "skills": 5,
    "other": 6, "header": 7,
}


def reference_date(resume: Resume) -> str | None:
    """The latest date the resume's roles and text mention ("YYYY-MM"): "Present" counts to it unless a ``today`` is given.

    Taking it from the resume keeps the profile a pure function of the text (same
    resume, same years, whatever the day), at the cost of under-counting a current
    role when the resume mentions nothing later than its start.
    """
    found = [p for role in resume.roles for p in (role.start, role.end) if p]
    # Dated events in the summary, projects and education happened; certifications are left out
    # (expiry dates lie in the future), and so are bullets, which a concise rewrite may drop.
    for line in (resume.summary, *resume.education, *resume.projects):
        found.extend(points(line))
    return max(found, default=None)


def resume_years(resume: Resume, today: date | None = None) -> float:
    reference = f"{today.year}-{today.month:02d}" if today else reference_date(resume)
    return total_years(((r.start or "", r.end) for r in resume.roles if r.start), reference)


def inferred_seniority(titles: tuple[str, ...], years: float) -> Seniority | None:
    """Seniority from the most recent title, else from years of experience."""
    for title in titles[:1]:
        level = seniority_of(title)
        if level:
            return level
    if not titles and years == 0:
        return None
    return "junior" if years < 2 else "mid" if years < 5 else "senior"


def plausible_title(title: str) -> bool:
    """A job title, not an icon run, a PDF glyph code, a place or a sentence."""
    text = title.strip()
    if not text or len(text) > 80 or _ICONS_OR_CODES_RE.search(text):
        return False
    visible = text.replace(" ", "")
    if sum(c.isalpha() for c in visible) < max(3, 0.7 * len(visible)):
        return False
    if len(text.split()) > 8 or text.endswith(".") or _SENTENCE_WORDS_RE.search(text):
        return False
    return not _PLACE_RE.match(text)


def stated_years(resume: Resume) -> tuple[float, str]:
    """(years, sentence): the most a summary or header line states ("6+ years of experience"), else (0, "")."""
    c = resume.contact
    lines = [resume.summary, c.headline, *(line for s in resume.sections if s.kind in ("summary", "header", "other")
                                          for line in s.lines)]
    best: tuple[float, str] = (0.0, "")
    for line in lines:
        for m in _STATED_YEARS_RE.finditer(line or ""):
            raw = m.group(1).lower()
            value = float(raw) if raw.isdigit() else float(NUMBER_WORDS[raw])
            if 0 < value <= 50 and value > best[0]:
                best = (value, line.strip()[:300])
    return best


def profile_resume(resume: Resume, taxonomy: Taxonomy, today: date | None = None) -> ResumeProfile:
    """Skills with evidence, roles, total years (overlaps merged) and the sections present.

    ``today`` is the date "Present" counts to; by default the resume's latest date (see ``reference_date``).
    """
    best: dict[str, tuple[int, str]] = {}
    kinds: dict[str, dict[SectionKind, None]] = {}
    surfaces: dict[str, dict[str, None]] = {}
    for kind, text in resume_pieces(resume):
        for m in taxonomy.find(text):
            rank = _EVIDENCE_RANK[kind]
            if m.skill not in best or rank < best[m.skill][0]:
                best[m.skill] = (rank, text[:300])
            kinds.setdefault(m.skill, {})[kind] = None
            surfaces.setdefault(m.skill, {})[normalise(m.surface)] = None
    skills = [
        SkillEvidence(skill=s, category=taxonomy.category(s), line=best[s][1], sections=tuple(kinds[s]),
                      surfaces=tuple(surfaces[s]))
        for s in best
    ]
    # A broader skill the resume shows only through a narrower one: evidenced "via" it, never listed or worded.
    implied: dict[str, SkillEvidence] = {}
    for ev in skills:
        for broad in taxonomy.broader(ev.skill):
            if broad not in best and broad not in implied:
                implied[broad] = SkillEvidence(skill=broad, category=taxonomy.category(broad), line=ev.line,
                                               sections=(), surfaces=(), via=ev.skill)
    skills.extend(implied.values())
    role_skills = tuple(_role_skills(role, taxonomy) for role in resume.roles)
    ordered = sorted(resume.roles, key=lambda r: (r.current, r.end or "", r.start or ""), reverse=True)
    titles = tuple(dict.fromkeys(r.title for r in ordered if r.title and plausible_title(r.title)))
    if resume.contact.headline and not titles and plausible_title(resume.contact.headline):
        titles = (resume.contact.headline,)
    years = resume_years(resume, today)
    stated, stated_line = stated_years(resume) if years == 0 else (0.0, "")
    highest = _highest_degree(resume)
    present = tuple(dict.fromkeys(s.kind for s in resume.sections if s.kind != "header"))
    return ResumeProfile(
        skills=tuple(skills),
        roles=resume.roles,
        total_years=years,
        reference=f"{today.year}-{today.month:02d}" if today else reference_date(resume),
        sections=present,
        titles=titles,
        seniority=inferred_seniority(titles, years or stated),
        degree=highest,
        role_skills=role_skills,
        stated_years=stated,
        stated_line=stated_line,
    )


def _role_skills(role: Role, taxonomy: Taxonomy) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for text in (role.title, *role.bullets):
        for m in taxonomy.find(text):
            found[m.skill] = None
            found.update(dict.fromkeys(taxonomy.broader(m.skill)))
    return tuple(found)


_NOT_HELD_RE = regex(r"\b(?:in\s+progress|expected|pursuing|candidate|ongoing|incomplete|did\s+not\s+finish|"
                          r"not\s+completed|currently\s+enrolled)\b", re.IGNORECASE)


def _held(line: str) -> list[Degree]:
    return [] if _NOT_HELD_RE.search(line) else [d for d, _ in degrees_in(line)]


def _highest_degree(resume: Resume) -> Degree | None:
    """The highest degree held in Education (or Certifications); else anywhere the resume names one."""
    degrees: list[Degree] = [d for line in resume.education for d in _held(line)] or [
        d for line in resume.certifications for d in _held(line)]
    if not degrees:  # a skills line that swallowed Education, a degree in the summary
        degrees = [d for _, piece in resume_pieces(resume) for d in _held(piece)]
    return max(degrees, key=lambda d: DEGREE_RANK[str(d)]) if degrees else None
