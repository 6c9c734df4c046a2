"""ATS fit, 0-100, as a sum of explained components, and a fit band.

The score only rewards what a resume shows: every component is monotone in
evidence a truthful rewrite can add (a skill listed in Skills, the job's own
wording, a standard heading) and blind to order, so reordering, renaming and
surfacing can never lower it.

No free points: a component the job does not ask for (no preferred skills, no
degree, no years) drops out and the others are re-weighted to 100. Years count
only roles relevant to the job, and a level fits only through relevant work,
so a well-formatted resume from another field scores low and reads "poor".
"""

from __future__ import annotations

import re

from tailor.pipeline.tailoring._dates import total_years
from tailor.pipeline.tailoring._text import (
    content_words,
    human_list,
    resume_text,
    term_index,
    term_key,
    with_article,
)
from tailor.pipeline.tailoring.jobs import DEGREE_RANK, LEVEL_RANK
from tailor.pipeline.tailoring.models import (
    AtsScore,
    JobProfile,
    Resume,
    ResumeProfile,
    SkillHit,
)
from tailor.pipeline.tailoring.taxonomy import normalise

# The weights, in one place; they sum to 100 when the job asks for everything.
WEIGHTS: dict[str, float] = {
    "required_skills": 45.0,
    "preferred_skills": 10.0,
    "key_terms": 10.0,
    "title_seniority": 10.0,
    "experience_years": 15.0,
    "education": 5.0,
    "parseability": 5.0,
}
# A skill's credit: evidenced anywhere (or through a narrower skill), plus worded as the job words it,
# plus listed in Skills.
SKILL_EVIDENCED, SKILL_JOB_WORDING, SKILL_LISTED = 0.6, 0.2, 0.2
# Fit bands by total; overqualification for a junior role lowers the band by one.
BANDS: tuple[tuple[float, str], ...] = ((70.0, "strong"), (50.0, "good"), (30.0, "partial"), (0.0, "poor"))
_LEVEL_WORDS = frozenset("senior junior lead staff principal sr jr mid level entry associate intern head chief".split())
_MINOR_LEVELS = ("intern", "junior", "mid")


def skill_credit(hit: SkillHit, profile: ResumeProfile) -> float:
    ev = profile.evidence_map.get(hit.skill)
    if ev is None:
        return 0.0
    credit = SKILL_EVIDENCED
    if normalise(hit.term) in ev.surfaces:
        credit += SKILL_JOB_WORDING
    if "skills" in ev.sections:
        credit += SKILL_LISTED
    return credit


def skill_units(hits: tuple[SkillHit, ...]) -> list[tuple[SkillHit, ...]]:
    """The job's requirements: one skill each, or the members of one either/or list together."""
    units: dict[tuple[str, ...], list[SkillHit]] = {}
    for hit in hits:
        key = tuple(sorted(hit.any_of)) if hit.any_of else (hit.skill,)
        units.setdefault(key, []).append(hit)
    return [tuple(members) for members in units.values()]


def unit_credit(unit: tuple[SkillHit, ...], profile: ResumeProfile) -> tuple[float, SkillHit]:
    """The best credit of a requirement's members, and the member that gives it."""
    return max(((skill_credit(h, profile), h) for h in unit), key=lambda pair: pair[0])


def _unit_name(unit: tuple[SkillHit, ...]) -> str:
    if len(unit) == 1:
        return unit[0].skill
    names = list(unit[0].any_of) or [h.skill for h in unit]  # as the job lists them
    return ", ".join(names[:-1]) + " or " + names[-1]


def _skills(hits: tuple[SkillHit, ...], profile: ResumeProfile, label: str) -> tuple[float | None, str]:
    units = skill_units(hits)
    if not units:
        return None, f"The job names no {label} skills: not counted."
    credits = [unit_credit(u, profile) for u in units]
    met = [(u, h) for u, (c, h) in zip(units, credits) if c > 0]
    missing = [_unit_name(u) for u, (c, _) in zip(units, credits) if c == 0]
    listed = sum(1 for _, h in met if (ev := profile.evidence(h.skill)) and "skills" in ev.sections)
    worded = sum(1 for _, h in met if (ev := profile.evidence(h.skill)) and normalise(h.term) in ev.surfaces)
    notes = []
    via = [f"{h.skill} via {ev.via}" for _, h in met if (ev := profile.evidence(h.skill)) and ev.via]
    if via:
        notes.append(f"met through narrower skills: {human_list(via)}")
    either = [f"{h.skill} for {_unit_name(u)}" for u, h in met if len(u) > 1]
    if either:
        notes.append(f"either/or met by {human_list(either)}")
    text = (
        f"Evidences {len(met)} of {len(units)} {label} skills ({listed} listed in Skills, {worded} in the job's "
        f"wording); missing: {human_list(missing)}" + "".join(f"; {n}" for n in notes) + "."
    )
    return sum(c for c, _ in credits) / len(units), text


def _key_terms(resume: Resume, job: JobProfile) -> tuple[float | None, str]:
    if not job.key_terms:
        return None, "The job has no recurring key terms beyond its skills: not counted."
    index = term_index(resume_text(resume))
    present = [t for t in job.key_terms if term_key(t) in index]
    absent = [t for t in job.key_terms if term_key(t) not in index]
    text = f"Uses {len(present)} of the job's {len(job.key_terms)} key terms; absent: {human_list(absent)}."
    return len(present) / len(job.key_terms), text


def _title_words(job: JobProfile) -> set[str]:
    core = re.split(r"\s+[-–—|/]\s+|[,(:]", job.title, maxsplit=1)[0]  # "Senior Engineer — Payments" -> "Senior Engineer"
    wanted = set(content_words(core)) or set(content_words(job.title))
    return wanted - _LEVEL_WORDS or wanted


class _Relevance:
    """Which of the resume's roles are work of the job's kind: its title's words, or two of its skills."""

    def __init__(self, profile: ResumeProfile, job: JobProfile) -> None:
        self.wanted = _title_words(job)
        skills = {h.skill for h in job.skills}
        need = min(2, len(skills)) or 1
        self.roles = []
        for n, role in enumerate(profile.roles):
            shown = set(profile.role_skills[n]) if n < len(profile.role_skills) else set()
            by_title = bool(self.wanted & set(content_words(role.title)))
            if by_title or len(shown & skills) >= need:
                self.roles.append(role)
        dated = [(r.start or "", r.end) for r in self.roles if r.start]
        self.years = total_years(dated, profile.reference) if dated else 0.0
        self.stated = False
        # The requirements the verdict counts: the required ones, or every skill when none is marked required.
        required = skill_units(job.required) or skill_units(job.skills)
        self.required_units = len(required)
        self.required_met = sum(1 for u in required if unit_credit(u, profile)[0] > 0)
        covered = self.required_met / len(required) if required else 0.0
        title_overlap = any(self.wanted & set(content_words(t)) for t in profile.titles)
        self.resume_relevant = bool(self.roles) or title_overlap or covered >= 0.3
        if not dated and profile.stated_years and self.resume_relevant:
            self.years, self.stated = profile.stated_years, True


def _title_seniority(profile: ResumeProfile, job: JobProfile, rel: _Relevance) -> tuple[float, str, bool]:
    wanted = rel.wanted
    if wanted and profile.titles:
        overlap = max(len(wanted & set(content_words(t))) for t in profile.titles) / len(wanted)
    else:
        overlap = 0.0
    title = profile.titles[0] if profile.titles else "no title"
    words = ", ".join(sorted(wanted)) or "none"
    head = (f"The job title's distinguishing words ({words}) overlap {overlap:.0%} with the resume's titles "
            f"(latest: {title})")
    if job.seniority is None:
        return overlap, head + "; the job states no seniority.", False
    overqualified = False
    level = profile.seniority if rel.resume_relevant else None
    if level is None:
        fit = 0.0
        level_text = (f"the job is {job.seniority} and the resume shows no level"
                      if rel.resume_relevant else f"the job is {job.seniority} and no work of its kind shows a level")
    else:
        gap = LEVEL_RANK[job.seniority] - LEVEL_RANK[level]
        if gap <= -2 and job.seniority in _MINOR_LEVELS:
            overqualified = True
            fit = 0.5 if gap == -2 else 0.25
            level_text = f"the job is {job.seniority}, the resume reads {level}: overqualified"
        else:
            fit = 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0
            level_text = f"the job is {job.seniority}, the resume reads {level}"
    return 0.6 * overlap + 0.4 * fit, f"{head}; {level_text}.", overqualified


def _years(profile: ResumeProfile, job: JobProfile, rel: _Relevance) -> tuple[float | None, str]:
    if not job.years:
        return None, "The job asks for no number of years: not counted."
    asked = f"The job asks for {job.years:g}+ years"
    if rel.stated:
        return min(1.0, rel.years / job.years), (
            f"{asked}; the resume states {rel.years:g} (\"{profile.stated_line[:80]}\"), with no dates.")
    if not rel.roles:
        return 0.0, f"{asked}; none of the resume's {profile.total_years:g} dated years is in work of this kind."
    names = human_list(list(dict.fromkeys(r.title or r.employer for r in rel.roles if r.title or r.employer)), 3)
    if not any(r.start for r in rel.roles):
        return 0.0, f"{asked}; the relevant roles ({names}) have no dates an ATS can read."
    return min(1.0, rel.years / job.years), (
        f"{asked}; {rel.years:g} of the resume's {profile.total_years:g} dated years are in relevant roles ({names}).")


def _education(profile: ResumeProfile, job: JobProfile) -> tuple[float | None, str]:
    if job.degree is None:
        return None, "The job asks for no degree: not counted."
    if profile.degree is None:
        return 0.0, f"The job asks for {with_article(job.degree)} degree and the resume names none."
    gap = DEGREE_RANK[job.degree] - DEGREE_RANK[profile.degree]
    credit = 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0
    return credit, f"The job asks for {with_article(job.degree)} degree; the resume shows {with_article(profile.degree)}."


def _parseability(resume: Resume, profile: ResumeProfile) -> tuple[float, str]:
    c = resume.contact
    contact = (2.0 if c.email else 0.0) + (1.0 if c.phone else 0.0)
    standard = [k for k in ("experience", "skills", "education") if k in profile.sections]
    headings = 4.0 * len(standard) / 3
    dated = sum(1 for r in resume.roles if r.start)
    dates = 3.0 * dated / len(resume.roles) if resume.roles else 0.0
    absent = [k for k in ("experience", "skills", "education") if k not in standard]
    text = (
        f"Contact: {'email' if c.email else 'no email'}, {'phone' if c.phone else 'no phone'}; standard headings "
        f"missing: {human_list(absent)}; {dated} of {len(resume.roles)} roles have parseable dates."
    )
    return (contact + headings + dates) / 10.0, text


def fit_band(total: float, overqualified: bool = False) -> str:
    band = next(name for floor, name in BANDS if total >= floor)
    if overqualified and band != "poor":
        band = BANDS[[name for _, name in BANDS].index(band) + 1][1]
    return band


def _verdict(fit: str, job: JobProfile, rel: _Relevance, overqualified: bool) -> str:
    parts = [f"evidences {rel.required_met} of {rel.required_units} {'required ' if job.required else ''}skills"]
    if job.years:
        kind = "stated" if rel.stated else "in relevant roles"
        parts.append(f"{rel.years:g} years {kind} of {job.years:g}+ asked")
    elif not rel.roles and not rel.stated:
        parts.append("no role of this kind")
    if overqualified:
        parts.append(f"overqualified for a {job.seniority} role")
    return f"{fit.capitalize()} fit: " + "; ".join(parts) + "."


def score_ats(resume: Resume, profile: ResumeProfile, job: JobProfile) -> AtsScore:
    """How well ``resume`` reads to an ATS screening for ``job``; the breakdown sums to the total."""
    rel = _Relevance(profile, job)
    title_fraction, title_text, overqualified = _title_seniority(profile, job, rel)
    parts: dict[str, tuple[float | None, str]] = {
        "required_skills": _skills(job.required, profile, "required"),
        "preferred_skills": _skills(job.preferred, profile, "preferred"),
        "key_terms": _key_terms(resume, job),
        "title_seniority": (title_fraction, title_text),
        "experience_years": _years(profile, job, rel),
        "education": _education(profile, job),
        "parseability": _parseability(resume, profile),
    }
    asked = sum(WEIGHTS[name] for name, (fraction, _) in parts.items() if fraction is not None)
    scale = 100.0 / asked
    weights = {name: round(WEIGHTS[name] * scale, 2) if fraction is not None else 0.0
               for name, (fraction, _) in parts.items()}
    breakdown = {name: round(WEIGHTS[name] * scale * (fraction or 0.0), 2) for name, (fraction, _) in parts.items()}
    total = round(sum(breakdown.values()), 2)
    fit = fit_band(total, overqualified)
    evidenced = {s.skill for s in profile.skills}
    missing = [_unit_name(u) for u in skill_units(job.skills) if unit_credit(u, profile)[0] == 0]
    return AtsScore(
        total=total,
        breakdown=breakdown,
        weights=weights,
        explanations={name: text for name, (_, text) in parts.items()},
        matched=tuple(h.skill for h in job.skills if h.skill in evidenced),
        missing=tuple(missing),
        fit=fit,  # type: ignore[arg-type]
        verdict=_verdict(fit, job, rel, overqualified),
    )
