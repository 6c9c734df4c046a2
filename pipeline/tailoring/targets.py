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
    WEIGHTS,
    skill_credit,
)
from tailor.pipeline.tailoring.taxonomy import normalise


def set_targets(score: AtsScore, profile: ResumeProfile, job: JobProfile, target_score: float) -> Targets:
    """Surfaceable skills (evidenced but not listed), renamable ones (worded differently), and true gaps."""
    surfaceable, renamable, gaps = [], [], []
    gain = 0.0
    for hit in job.skills:
        ev = profile.evidence(hit.skill)
        if ev is None:
            gaps.append(hit.skill)
            continue
        if "skills" not in ev.sections:
            surfaceable.append(hit.skill)
        if normalise(hit.term) not in ev.surfaces:
            renamable.append(hit.skill)
        pool = job.required if hit.requirement == "required" else job.preferred
        weight = WEIGHTS["required_skills" if hit.requirement == "required" else "preferred_skills"]
        full = SKILL_EVIDENCED + SKILL_JOB_WORDING + SKILL_LISTED
        gain += weight * (full - skill_credit(hit, profile)) / len(pool)
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
