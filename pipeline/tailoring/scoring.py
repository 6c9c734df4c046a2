"""ATS fit, 0-100, as a sum of explained components.

The score only rewards what a resume shows: every component is monotone in
evidence a truthful rewrite can add (a skill listed in Skills, the job's own
wording, a standard heading) and blind to order, so reordering, renaming and
surfacing can never lower it.
"""

from __future__ import annotations

import re

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

# The weights, in one place; they sum to 100.
WEIGHTS: dict[str, float] = {
    "required_skills": 40.0,
    "preferred_skills": 10.0,
    "key_terms": 15.0,
    "title_seniority": 10.0,
    "experience_years": 10.0,
    "education": 5.0,
    "parseability": 10.0,
}
# A skill's credit: evidenced anywhere, plus worded as the job words it, plus listed in Skills.
SKILL_EVIDENCED, SKILL_JOB_WORDING, SKILL_LISTED = 0.6, 0.2, 0.2


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


def _skills(hits: tuple[SkillHit, ...], profile: ResumeProfile, weight: float, label: str) -> tuple[float, str]:
    if not hits:
        return weight, f"The job names no {label} skills, so nothing is missing."
    credits = [skill_credit(h, profile) for h in hits]
    found = [h.skill for h, c in zip(hits, credits) if c > 0]
    missing = [h.skill for h, c in zip(hits, credits) if c == 0]
    listed = sum(1 for h in hits if (ev := profile.evidence(h.skill)) and "skills" in ev.sections)
    worded = sum(1 for h in hits if (ev := profile.evidence(h.skill)) and normalise(h.term) in ev.surfaces)
    text = (
        f"Evidences {len(found)} of {len(hits)} {label} skills ({listed} listed in Skills, {worded} in the job's "
        f"wording); missing: {human_list(missing)}."
    )
    return weight * sum(credits) / len(hits), text


def _key_terms(resume: Resume, job: JobProfile, weight: float) -> tuple[float, str]:
    if not job.key_terms:
        return weight, "The job has no recurring key terms beyond its skills."
    index = term_index(resume_text(resume))
    present = [t for t in job.key_terms if term_key(t) in index]
    absent = [t for t in job.key_terms if term_key(t) not in index]
    text = f"Uses {len(present)} of the job's {len(job.key_terms)} key terms; absent: {human_list(absent)}."
    return weight * len(present) / len(job.key_terms), text


def _title_seniority(profile: ResumeProfile, job: JobProfile, weight: float) -> tuple[float, str]:
    core = re.split(r"\s+[-–—|/]\s+|[,(:]", job.title, maxsplit=1)[0]  # "Senior Engineer — Payments" -> "Senior Engineer"
    wanted = set(content_words(core)) or set(content_words(job.title))
    if wanted and profile.titles:
        overlap = max(len(wanted & set(content_words(t))) for t in profile.titles) / len(wanted)
    else:
        overlap = 1.0 if not wanted else 0.0
    if job.seniority is None:
        fit, level_text = 1.0, "the job states no seniority"
    elif profile.seniority is None:
        fit, level_text = 0.0, f"the job is {job.seniority} and the resume shows no level"
    else:
        gap = LEVEL_RANK[job.seniority] - LEVEL_RANK[profile.seniority]
        fit = 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0
        level_text = f"the job is {job.seniority}, the resume reads {profile.seniority}"
    title = profile.titles[0] if profile.titles else "no title"
    words = ", ".join(sorted(wanted)) or "none"
    text = (
        f"The job title's distinguishing words ({words}) overlap {overlap:.0%} with the resume's titles "
        f"(latest: {title}); {level_text}."
    )
    return weight * (0.6 * overlap + 0.4 * fit), text


def _years(profile: ResumeProfile, job: JobProfile, weight: float) -> tuple[float, str]:
    if not job.years:
        return weight, f"The job asks for no number of years; the resume's dates cover {profile.total_years:g}."
    ratio = min(1.0, profile.total_years / job.years)
    return weight * ratio, f"The job asks for {job.years:g}+ years; the resume's dates cover {profile.total_years:g}."


def _education(profile: ResumeProfile, job: JobProfile, weight: float) -> tuple[float, str]:
    if job.degree is None:
        return weight, "The job asks for no degree."
    if profile.degree is None:
        return 0.0, f"The job asks for {with_article(job.degree)} degree and the resume names none."
    gap = DEGREE_RANK[job.degree] - DEGREE_RANK[profile.degree]
    credit = 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0
    return weight * credit, (
        f"The job asks for {with_article(job.degree)} degree; the resume shows {with_article(profile.degree)}."
    )


def _parseability(resume: Resume, profile: ResumeProfile, weight: float) -> tuple[float, str]:
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
    return weight * (contact + headings + dates) / 10.0, text


def score_ats(resume: Resume, profile: ResumeProfile, job: JobProfile) -> AtsScore:
    """How well ``resume`` reads to an ATS screening for ``job``; the breakdown sums to the total."""
    parts = {
        "required_skills": _skills(job.required, profile, WEIGHTS["required_skills"], "required"),
        "preferred_skills": _skills(job.preferred, profile, WEIGHTS["preferred_skills"], "preferred"),
        "key_terms": _key_terms(resume, job, WEIGHTS["key_terms"]),
        "title_seniority": _title_seniority(profile, job, WEIGHTS["title_seniority"]),
        "experience_years": _years(profile, job, WEIGHTS["experience_years"]),
        "education": _education(profile, job, WEIGHTS["education"]),
        "parseability": _parseability(resume, profile, WEIGHTS["parseability"]),
    }
    breakdown = {name: round(value, 2) for name, (value, _) in parts.items()}
    total = round(sum(breakdown.values()), 2)
    evidenced = {s.skill for s in profile.skills}
    return AtsScore(
        total=total,
        breakdown=breakdown,
        explanations={name: text for name, (_, text) in parts.items()},
        matched=tuple(h.skill for h in job.skills if h.skill in evidenced),
        missing=tuple(h.skill for h in job.skills if h.skill not in evidenced),
    )
