"""The tailoring domain: pure functions from a resume and a job to an honest, scored tailoring.

parse -> analyse/profile -> score -> targets -> rewrite -> guard -> rescore -> render.
Names are imported lazily so importing the package (e.g. for ``tailor --help``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_taxonomy": "taxonomy", "Taxonomy": "taxonomy",
    "parse_resume": "parse", "parse_job": "parse", "validate_inputs": "parse",
    "analyse_job": "jobs",
    "profile_resume": "profile",
    "score_ats": "scoring", "WEIGHTS": "scoring",
    "set_targets": "targets",
    "rewrite": "rewrite",
    "check_no_invention": "guard",
    "render": "render",
    **{name: "models" for name in (
        "AtsScore", "Change", "Contact", "JobPosting", "JobProfile", "JobSection", "Resume", "ResumeProfile",
        "RewriteOptions", "Role", "Section", "SkillEvidence", "SkillHit", "Tailoring", "Targets",
    )},
    "SourceDocument": "documents",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from pipeline.tailoring.documents import SourceDocument
    from pipeline.tailoring.guard import check_no_invention
    from pipeline.tailoring.jobs import analyse_job
    from pipeline.tailoring.models import (
        AtsScore, Change, Contact, JobPosting, JobProfile, JobSection, Resume, ResumeProfile, RewriteOptions, Role,
        Section, SkillEvidence, SkillHit, Tailoring, Targets,
    )
    from pipeline.tailoring.parse import parse_job, parse_resume, validate_inputs
    from pipeline.tailoring.profile import profile_resume
    from pipeline.tailoring.render import render
    from pipeline.tailoring.rewrite import rewrite
    from pipeline.tailoring.scoring import WEIGHTS, score_ats
    from pipeline.tailoring.targets import set_targets
    from pipeline.tailoring.taxonomy import Taxonomy, load_taxonomy


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
