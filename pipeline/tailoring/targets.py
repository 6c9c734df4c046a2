"""Targets: what an honest rewrite can improve, and what it must leave as a gap."""

from __future__ import annotations

from tailor.pipeline.tailoring.models import (
    AtsScore,
    JobProfile,
    ResumeProfile,
    Targets,
)
from tailor.pipeline.tailoring.scoring import (
    SKILL_EVIDENCED,
    SKILL_JOB_WORDING,
    SKILL_LISTED,
    skill_units,
    unit_credit,
)
from tailor.pipeline.tailoring.taxonomy import normalise


def set_targets(score: AtsScore, profile: ResumeProfile, job: JobProfile, target_score: float) -> Targets:
    """Surfaceable skills (evidenced but not listed), renamable ones (worded differently), and true gaps."""
    surfaceable, renamable, gaps = [], [], []
    gain = 0.0
    full = SKILL_EVIDENCED + SKILL_JOB_WORDING + SKILL_LISTED
    for label, hits in (("required_skills", job.required), ("preferred_skills", job.preferred)):
        units = skill_units(hits)
        for unit in units:
            credit, best = unit_credit(unit, profile)
            if credit == 0:
                gaps.append(" or ".join(unit[0].any_of) if len(unit) > 1 else unit[0].skill)
                continue
            ev = profile.evidence(best.skill)
            assert ev is not None
            if "skills" not in ev.sections:
                surfaceable.append(best.skill)
            if not ev.via and normalise(best.term) not in ev.surfaces:
                renamable.append(best.skill)
            gain += score.weights.get(label, 0.0) * (full - credit) / len(units)
    reachable = round(min(100.0, score.total + gain), 2)
    notes = [f"Surfacing and renaming evidenced skills can reach about {reachable:g}."]
    if gaps:
        notes.append(f"{len(gaps)} job skill(s) have no evidence in the resume and stay gaps: add them only if true.")
    if job.years and profile.total_years < job.years:
        notes.append(f"The job asks for {job.years:g}+ years; the resume's dates cover {profile.total_years:g}.")
    target = max(0.0, min(100.0, float(target_score)))
    if reachable < target:
        notes.append(f"The target {target:g} is out of honest reach for this resume without new experience.")
    return Targets(
        target_score=target,
        current_score=score.total,
        surfaceable=tuple(surfaceable),
        renamable=tuple(renamable),
        gaps=tuple(gaps),
        notes=tuple(notes),
    )
