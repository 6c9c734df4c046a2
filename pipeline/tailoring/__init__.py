"""The tailoring domain: pure functions from a resume and a job to an honest, scored tailoring.

parse -> analyse/profile -> score -> targets -> rewrite -> guard -> rescore -> render.

The re-exports are eager on purpose: ``rewrite`` and ``render`` are also the names of
submodules, and a lazy ``__getattr__`` loses to the submodule once anything imports it
(``import pipeline.tailoring.rewrite`` binds the package attribute to the module).
``tailor --help`` never imports this package, so start-up does not pay for it.
"""

from __future__ import annotations

from pipeline.tailoring.documents import SourceDocument
from pipeline.tailoring.guard import check_no_invention
from pipeline.tailoring.jobs import analyse_job
from pipeline.tailoring.models import (
    AtsScore,
    Change,
    Contact,
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
from pipeline.tailoring.parse import parse_job, parse_resume, validate_inputs
from pipeline.tailoring.profile import profile_resume
from pipeline.tailoring.render import render
from pipeline.tailoring.rewrite import rewrite
from pipeline.tailoring.scoring import WEIGHTS, score_ats
from pipeline.tailoring.targets import set_targets
from pipeline.tailoring.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "WEIGHTS",
    "AtsScore",
    "Change",
    "Contact",
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
    "SourceDocument",
    "Tailoring",
    "Targets",
    "Taxonomy",
    "analyse_job",
    "check_no_invention",
    "load_taxonomy",
    "parse_job",
    "parse_resume",
    "profile_resume",
    "render",
    "rewrite",
    "score_ats",
    "set_targets",
    "validate_inputs",
]
