"""A parsed Resume as a JSON Resume: the JSON/YAML output of a resume given in another format.

(A resume in its own format is never re-rendered: its edits are applied to the source.)
"""

from __future__ import annotations

from typing import Any

from tailor.pipeline.tailoring._text import strip_bullet
from tailor.pipeline.tailoring.models import Resume


def to_json_resume(resume: Resume) -> dict[str, Any]:
    """A JSON Resume (jsonresume.org schema) of what the parser understood: for a resume given in
    another format. Sections it has no field for are kept under ``sections`` (the schema allows
    extra keys), so their words are not lost."""
    c = resume.contact
    basics: dict[str, Any] = {k: v for k, v in (("name", c.name), ("label", c.headline), ("email", c.email),
                                                 ("phone", c.phone), ("summary", resume.summary)) if v}
    if c.location:
        basics["location"] = {"address": c.location}
    if c.links:
        basics["profiles"] = [{"url": link} for link in c.links]
    work = []
    for r in resume.roles:
        entry: dict[str, Any] = {k: v for k, v in (("name", r.employer), ("position", r.title), ("startDate", r.start),
                                                    ("endDate", None if r.current else r.end)) if v}
        if r.bullets:
            entry["highlights"] = list(r.bullets)
        work.append(entry)
    data: dict[str, Any] = {"basics": basics, "work": work}
    if resume.skills:
        data["skills"] = [{"name": s} for s in resume.skills]
    if resume.education:
        data["education"] = [{"institution": line} for line in resume.education]
    if resume.certifications:
        data["certificates"] = [{"name": line} for line in resume.certifications]
    if resume.projects:
        data["projects"] = [{"name": line} for line in resume.projects]
    other = [{"heading": s.heading, "lines": [strip_bullet(x) or x for x in s.lines]}
             for s in resume.sections if s.kind == "other"]
    if other:
        data["sections"] = other
    return data
