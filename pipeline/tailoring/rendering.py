"""A Resume as Markdown, JSON (JSON Resume-like) or a self-contained HTML page."""

from __future__ import annotations

import html
import json
from typing import Any, Literal

from tailor.pipeline.errors import InputError
from tailor.pipeline.tailoring._text import CONTACT_RE, default_heading, strip_bullet
from tailor.pipeline.tailoring.models import Resume, Role, Section


def _heading(section: Section) -> str:
    return section.heading or default_heading(section.kind) or "Other"


def _contact_line(resume: Resume) -> list[str]:
    c = resume.contact
    return [v for v in (c.email, c.phone, c.location, *c.links) if v]


def _header_extras(resume: Resume) -> list[str]:
    """Header lines that are not the name, headline or contact details (an untitled opening statement)."""
    c = resume.contact
    known = [v for v in (c.name, c.headline, c.email, c.phone, c.location, *c.links) if v]
    extras = []
    for section in resume.sections:
        if section.kind == "header":
            for line in section.lines:
                text = line.strip().lstrip("#").strip().strip("*_ ")
                if text and not any(k in text for k in known) and not CONTACT_RE.search(text):
                    extras.append(text)
    return extras


def _role_heading(role: Role) -> str:
    return " — ".join(p for p in (role.title, role.employer) if p) or "Role"


def _blocks(resume: Resume) -> list[tuple[Section, int]]:
    """Sections to show, in order; repeated summary/skills sections fold into the first of their kind."""
    shown: list[tuple[Section, int]] = []
    seen: set[str] = set()
    for index, section in enumerate(resume.sections):
        if section.kind in ("summary", "skills", "education", "certifications", "projects"):
            if section.kind in seen:
                continue
            seen.add(section.kind)
        shown.append((section, index))
    return shown


def _items(resume: Resume, kind: str) -> tuple[str, ...]:
    return {"education": resume.education, "certifications": resume.certifications, "projects": resume.projects}[kind]


def to_markdown(resume: Resume) -> str:
    c = resume.contact
    out: list[str] = []
    if c.name:
        out.append(f"# {c.name}")
    if c.headline:
        out.append(c.headline)
    contact = _contact_line(resume)
    if contact:
        out.append(" · ".join(contact))
    extras = _header_extras(resume)
    if extras:
        out.append("")
        out.extend(extras)
    for section, index in _blocks(resume):
        if section.kind == "header":
            continue
        out.append("")
        out.append(f"## {_heading(section)}")
        if section.kind == "summary":
            out.append(resume.summary)
        elif section.kind == "skills":
            out.append(", ".join(resume.skills))
        elif section.kind == "experience":
            for role in (r for r in resume.roles if r.section == index):
                out.append("")
                out.append(f"### {_role_heading(role)}")
                if role.dates:
                    out.append(f"*{role.dates}*")
                out.extend(f"- {b}" for b in role.bullets)
        elif section.kind in ("education", "certifications", "projects"):
            out.extend(f"- {line}" for line in _items(resume, section.kind))
        else:
            out.extend(section.lines)
    return "\n".join(out).strip() + "\n"


def to_dict(resume: Resume) -> dict[str, Any]:
    """JSON Resume's shape (basics, work, skills, education, certificates, projects) plus the other sections."""
    c = resume.contact
    return {
        "basics": {
            "name": c.name, "label": c.headline, "email": c.email, "phone": c.phone, "summary": resume.summary,
            "location": {"address": c.location} if c.location else {},
            "profiles": [{"url": link} for link in c.links],
        },
        "work": [
            {"name": r.employer, "position": r.title, "startDate": r.start or "", "endDate": r.end or "",
             "current": r.current, "dates": r.dates, "highlights": list(r.bullets)}
            for r in resume.roles
        ],
        "skills": [{"name": s} for s in resume.skills],
        "education": [{"institution": line} for line in resume.education],
        "certificates": [{"name": line} for line in resume.certifications],
        "projects": [{"name": line} for line in resume.projects],
        "sections": [
            {"heading": s.heading, "lines": [strip_bullet(x) or x for x in s.lines]}
            for s in resume.sections if s.kind == "other"
        ],
    }


_CSS = (
    "body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d1d1f}h1{margin:0;font-size:1.8rem}h2{font-size:1.05rem;text-transform:uppercase;letter-spacing:.06em;"
    "border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:1.6rem}h3{font-size:1rem;margin:1rem 0 .1rem}"
    ".muted{color:#555}.dates{color:#555;font-style:italic;margin:0}ul{margin:.3rem 0;padding-left:1.2rem}"
    ".skills{line-height:1.9}.skills span{display:inline-block;background:#eef2f7;border-radius:4px;padding:0 .45rem;"
    "margin:0 .25rem .25rem 0}"
)


def to_html(resume: Resume) -> str:
    e = html.escape
    c = resume.contact
    body: list[str] = []
    if c.name:
        body.append(f"<h1>{e(c.name)}</h1>")
    if c.headline:
        body.append(f'<p class="muted">{e(c.headline)}</p>')
    contact = _contact_line(resume)
    if contact:
        body.append(f'<p class="muted">{" · ".join(e(x) for x in contact)}</p>')
    body.extend(f"<p>{e(x)}</p>" for x in _header_extras(resume))
    for section, index in _blocks(resume):
        if section.kind == "header":
            continue
        body.append(f"<section><h2>{e(_heading(section))}</h2>")
        if section.kind == "summary":
            body.append(f"<p>{e(resume.summary)}</p>")
        elif section.kind == "skills":
            body.append('<p class="skills">' + "".join(f"<span>{e(s)}</span>" for s in resume.skills) + "</p>")
        elif section.kind == "experience":
            for role in (r for r in resume.roles if r.section == index):
                body.append(f"<h3>{e(_role_heading(role))}</h3>")
                if role.dates:
                    body.append(f'<p class="dates">{e(role.dates)}</p>')
                if role.bullets:
                    body.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in role.bullets) + "</ul>")
        else:
            lines = _items(resume, section.kind) if section.kind in ("education", "certifications", "projects") \
                else tuple(strip_bullet(x) or x for x in section.lines)
            body.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>")
        body.append("</section>")
    title = e(c.name or "Resume")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>\n'
            f"<body>\n" + "\n".join(body) + "\n</body></html>\n")


def render(resume: Resume, fmt: Literal["md", "json", "html"]) -> str:
    """The resume as Markdown, JSON or HTML text."""
    if fmt == "md":
        return to_markdown(resume)
    if fmt == "json":
        return json.dumps(to_dict(resume), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return to_html(resume)
    raise InputError(f"{resume.path}: unknown output format {fmt!r} (use md, json or html)")
