"""What a resume evidences: skills with the line that supports each, roles, years, sections."""

from __future__ import annotations

from datetime import date

from tailor.pipeline.tailoring._dates import points, total_years
from tailor.pipeline.tailoring._text import resume_pieces
from tailor.pipeline.tailoring.jobs import DEGREE_RANK, degrees_in, seniority_of
from tailor.pipeline.tailoring.models import (
    Resume,
    ResumeProfile,
    SectionKind,
    Seniority,
    SkillEvidence,
)
from tailor.pipeline.tailoring.taxonomy import Taxonomy, normalise

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
    skills = tuple(
        SkillEvidence(skill=s, category=taxonomy.category(s), line=best[s][1], sections=tuple(kinds[s]),
                      surfaces=tuple(surfaces[s]))
        for s in best
    )
    ordered = sorted(resume.roles, key=lambda r: (r.current, r.end or "", r.start or ""), reverse=True)
    titles = tuple(dict.fromkeys(r.title for r in ordered if r.title))
    if resume.contact.headline and not titles:
        titles = (resume.contact.headline,)
    years = resume_years(resume, today)
    degree_text = "\n".join(resume.education) or "\n".join(resume.certifications)
    degrees = [d for d, _ in degrees_in(degree_text)]
    highest = sorted(degrees, key=DEGREE_RANK.__getitem__)[-1] if degrees else None
    present = tuple(dict.fromkeys(s.kind for s in resume.sections if s.kind != "header"))
    return ResumeProfile(
        skills=skills,
        roles=resume.roles,
        total_years=years,
        reference=f"{today.year}-{today.month:02d}" if today else reference_date(resume),
        sections=present,
        titles=titles,
        seniority=inferred_seniority(titles, years),
        degree=highest,
    )
