"""The tailoring domain: pure functions from a resume and a job to an honest, scored tailoring.

parse -> analyse/profile -> score -> targets -> plan edits -> rescore -> guard; the writers apply the edits.

The names below load on first use (PEP 562): a fully cached run needs the models and
nothing else, and importing the parser, the taxonomy or the planner costs more than the
whole cached run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOME = {
    "check_edits": "guard",
    "analyse_job": "jobs",
    "parse_job": "parse",
    "parse_resume": "parse",
    "validate_inputs": "parse",
    "profile_resume": "profile",
    "apply_edits": "editing",
    "plan_edits": "rewriting",
    "tailor_document": "tailored",
    "to_json_resume": "rendering",
    "WEIGHTS": "scoring",
    "score_ats": "scoring",
    "set_targets": "targets",
    "Taxonomy": "taxonomy",
    "load_taxonomy": "taxonomy",
    **{
        name: "models"
        for name in (
            "AtsScore", "Edit", "Contact", "JobPosting", "JobProfile", "JobSection", "Resume",
            "ResumeProfile", "RewriteOptions", "Role", "Section", "SkillEvidence", "SkillHit", "Tailoring", "Targets",
        )
    },
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


if TYPE_CHECKING:
    from tailor.pipeline.tailoring.editing import apply_edits
    from tailor.pipeline.tailoring.guard import check_edits
    from tailor.pipeline.tailoring.jobs import analyse_job
    from tailor.pipeline.tailoring.models import (
        AtsScore,
        Contact,
        Edit,
        JobPosting,
        JobProfile,
        JobSection,
        Resume,
        ResumeProfile,
        RewriteOptions,
        Role,
        Section,
        SkillEvidence,
        SkillHit,
        Tailoring,
        Targets,
    )
    from tailor.pipeline.tailoring.parse import parse_job, parse_resume, validate_inputs
    from tailor.pipeline.tailoring.profile import profile_resume
    from tailor.pipeline.tailoring.rendering import to_json_resume
    from tailor.pipeline.tailoring.rewriting import plan_edits
    from tailor.pipeline.tailoring.scoring import WEIGHTS, score_ats
    from tailor.pipeline.tailoring.tailored import tailor_document
    from tailor.pipeline.tailoring.targets import set_targets
    from tailor.pipeline.tailoring.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "WEIGHTS",
    "AtsScore",
    "Contact",
    "Edit",
    "JobPosting",
    "JobProfile",
    "JobSection",
    "Resume",
    "ResumeProfile",
    "RewriteOptions",
    "Role",
    "Section",
    "SkillEvidence",
    "SkillHit",
    "Tailoring",
    "Targets",
    "Taxonomy",
    "analyse_job",
    "apply_edits",
    "check_edits",
    "load_taxonomy",
    "parse_job",
    "parse_resume",
    "profile_resume",
    "plan_edits",
    "score_ats",
    "set_targets",
    "tailor_document",
    "to_json_resume",
    "validate_inputs",
]
