"""How well does tailor read skills and facts, and rank jobs, against our own hand-labelled dev set?

    python bench/skills.py [--show]

The dev set (bench/data/skills, described in its README.md) is ours: job postings and resumes written for it,
each with gold labels (technology skills, other skills, either/or groups, words that are *not* skills,
years, degree, title), and resumes ranked against the five sample jobs the way a recruiter would.

Prints, in one run:
- job reading: precision and recall of the skills read from the postings, on technology skills and on all;
  how many not-skills (team names, benefits, culture) were read as skills; either/or groups found;
- resume reading: the same for the resumes' directly evidenced skills, and the years, degree and title read;
- rank agreement: Spearman's rho between tailor's scores and the recruiter's order, and top-1 agreement;
- the sample pairs the issue names: five across unrelated fields (want < 20, "poor"), five in their own field
  (want > 60).
``--show`` lists every miss and false reading, to see what the vocabulary or the context rules lack.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tailor.pipeline.readers import read_job, read_resume  # noqa: E402
from tailor.pipeline.tailoring import (  # noqa: E402
    JobProfile,
    Taxonomy,
    analyse_job,
    load_taxonomy,
    parse_job,
    parse_resume,
    profile_resume,
    score_ats,
)

DATA = ROOT / "bench" / "data" / "skills"
SAMPLES = ROOT / "sample_data"
# "Present" in the dev set's resumes counts to this month (its labels were written that way).
TODAY = date(2026, 11, 1)
# Categories of config/skills.yaml that hold technologies: a skill read from them that the gold does not
# list is a false technology reading.
TECH_CATEGORIES = frozenset(
    "languages frontend backend mobile testing cloud devops databases data ml security tools it networking "
    "embedded enterprise".split())
CROSS_FIELD = (
    ("registered_nurse.pdf", "backend_engineer.md"),
    ("software_engineer.md", "registered_nurse.txt"),
    ("account_executive.txt", "data_scientist.txt"),
    ("product_designer.docx", "account_executive.md"),
    ("registered_nurse.pdf", "product_designer.md"),
)
OWN_FIELD = (
    ("registered_nurse.pdf", "registered_nurse.txt"),
    ("software_engineer.md", "backend_engineer.md"),
    ("account_executive.txt", "account_executive.md"),
    ("data_scientist.json", "data_scientist.txt"),
    ("product_designer.docx", "product_designer.md"),
)


@dataclass
class Tally:
    """Micro-averaged counts over a set of documents, with what was missed and what was read wrongly."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_gold(prefix: str) -> dict[str, dict[str, Any]]:
    gold: dict[str, dict[str, Any]] = {}
    for path in sorted(DATA.glob(f"{prefix}_*.yaml")):
        gold.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return gold


def canonical(name: str, taxonomy: Taxonomy) -> str:
    """A gold label as a taxonomy skill: its alias, else the one skill the label's text is; else itself."""
    found = taxonomy.canonical(name)
    if found:
        return found
    matches = taxonomy.find(name)
    if len(matches) == 1 and matches[0].end - matches[0].start >= len(name.strip()) - 1:
        return matches[0].skill
    return name


def compare(doc: str, predicted: set[str], gold: dict[str, Any], taxonomy: Taxonomy,
            tech: Tally, every: Tally, context: Tally) -> None:
    gold_tech = {canonical(s, taxonomy) for s in gold.get("tech") or []}
    gold_other = {canonical(s, taxonomy) for s in gold.get("other") or []}
    gold_all = gold_tech | gold_other
    not_skills = {canonical(s, taxonomy) for s in gold.get("not_skills") or []} - gold_all
    for skill in sorted(gold_tech):
        if skill in predicted:
            tech.tp += 1
        else:
            tech.fn += 1
            tech.misses.append(f"{doc}: {skill}")
    for skill in sorted(predicted - gold_all):
        if taxonomy.category(skill) in TECH_CATEGORIES:
            tech.fp += 1
            tech.false.append(f"{doc}: {skill}")
    every.tp += len(predicted & gold_all)
    every.fn += len(gold_all - predicted)
    every.fp += len(predicted - gold_all)
    every.misses.extend(f"{doc}: {s}" for s in sorted(gold_all - predicted))
    every.false.extend(f"{doc}: {s}" for s in sorted(predicted - gold_all))
    for skill in sorted(not_skills):
        if skill in taxonomy:
            context.tp += skill not in predicted
            if skill in predicted:
                context.fp += 1
                context.false.append(f"{doc}: {skill}")


def read_jobs(taxonomy: Taxonomy) -> tuple[Tally, Tally, Tally, tuple[int, int], int]:
    tech, every, context = Tally(), Tally(), Tally()
    groups_found = groups_total = 0
    gold = load_gold("jobs")
    for name, labels in gold.items():
        job = analyse_job(parse_job(read_job(DATA / "jobs" / name)), taxonomy)
        predicted = {h.skill for h in job.skills}
        compare(name, predicted, labels, taxonomy, tech, every, context)
        read_groups = [set(h.any_of) for h in job.skills if h.any_of]
        for group in labels.get("any_of") or []:
            wanted = {canonical(s, taxonomy) for s in group} & set(taxonomy.categories)
            if len(wanted) < 2:
                continue
            groups_total += 1
            groups_found += any(wanted <= g for g in read_groups)
    return tech, every, context, (groups_found, groups_total), len(gold)


@dataclass
class Facts:
    years_ok: int = 0
    degree_ok: int = 0
    title_ok: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)


def _same_title(read: str, gold: str) -> bool:
    a, b = read.lower().strip(), gold.lower().strip()
    return bool(a) and (a == b or a in b or b in a)


def read_resumes(taxonomy: Taxonomy) -> tuple[Tally, Tally, Tally, Facts, int]:
    tech, every, context = Tally(), Tally(), Tally()
    facts = Facts()
    gold = load_gold("resumes")
    for name, labels in gold.items():
        resume = parse_resume(read_resume(DATA / "resumes" / name))
        profile = profile_resume(resume, taxonomy, TODAY)
        predicted = {s.skill for s in profile.skills if not s.via}
        compare(name, predicted, labels, taxonomy, tech, every, context)
        facts.total += 1
        years = profile.total_years or profile.stated_years
        want = float(labels.get("years") or 0)
        if abs(years - want) <= max(1.0, 0.1 * want):
            facts.years_ok += 1
        else:
            facts.wrong.append(f"{name}: years {years:g}, gold {want:g}")
        if (profile.degree or None) == (labels.get("degree") or None):
            facts.degree_ok += 1
        else:
            facts.wrong.append(f"{name}: degree {profile.degree}, gold {labels.get('degree')}")
        title = profile.titles[0] if profile.titles else ""
        if _same_title(title, str(labels.get("title") or "")):
            facts.title_ok += 1
        else:
            facts.wrong.append(f"{name}: title {title!r}, gold {labels.get('title')!r}")
    return tech, every, context, facts, len(gold)


def _ranks(order: list[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(order)}


def spearman(ours: list[str], gold: list[str]) -> float:
    n = len(gold)
    a, b = _ranks(ours), _ranks(gold)
    d2 = sum((a[x] - b[x]) ** 2 for x in gold)
    return 1 - 6 * d2 / (n * (n * n - 1))


def sample_jobs(taxonomy: Taxonomy) -> dict[str, JobProfile]:
    return {p.name: analyse_job(parse_job(read_job(p)), taxonomy) for p in sorted((SAMPLES / "jobs").iterdir())}


def rankings(taxonomy: Taxonomy, jobs: dict[str, JobProfile]) -> tuple[list[float], int, list[str]]:
    gold = yaml.safe_load((DATA / "rankings.yaml").read_text(encoding="utf-8")) or {}
    rhos: list[float] = []
    top = 0
    lines = []
    for name, entry in gold.items():
        resume = parse_resume(read_resume(DATA / "resumes" / name))
        profile = profile_resume(resume, taxonomy, TODAY)
        scores = {job: score_ats(resume, profile, jobs[job]).total for job in entry["order"]}
        ours = sorted(scores, key=lambda j: -scores[j])
        rhos.append(spearman(ours, entry["order"]))
        top += ours[0] == entry["order"][0]
        shown = ", ".join(f"{Path(j).stem} {scores[j]:.0f}" for j in ours)
        lines.append(f"  {name}: rho {rhos[-1]:+.2f}; ours {shown}")
    return rhos, top, lines


def pairs(taxonomy: Taxonomy, jobs: dict[str, JobProfile]) -> list[tuple[str, str, float, str]]:
    rows = []
    for resume_name, job_name in (*CROSS_FIELD, *OWN_FIELD):
        resume = parse_resume(read_resume(SAMPLES / "resumes" / resume_name))
        score = score_ats(resume, profile_resume(resume, taxonomy, TODAY), jobs[job_name])
        rows.append((resume_name, job_name, score.total, score.fit))
    return rows


def _print_tally(label: str, tech: Tally, every: Tally, context: Tally, show: bool) -> None:
    print(f"{label}: technology skills precision {tech.precision:.3f} recall {tech.recall:.3f} "
          f"(tp {tech.tp}, fp {tech.fp}, fn {tech.fn}); all skills precision {every.precision:.3f} "
          f"recall {every.recall:.3f}")
    print(f"  not-skills read as skills: {context.fp} of {context.fp + context.tp}")
    if show:
        for title, items in (("technology misses", tech.misses), ("false technology readings", tech.false),
                             ("other misses", [m for m in every.misses if m not in tech.misses]),
                             ("other false readings", [m for m in every.false if m not in tech.false]),
                             ("not-skills read", context.false)):
            print(f"  {title} ({len(items)}):")
            for item in items:
                print(f"    {item}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="list every miss and false reading")
    args = parser.parse_args()
    t0 = time.perf_counter()
    taxonomy = load_taxonomy()
    tech, every, context, (found, total_groups), n_jobs = read_jobs(taxonomy)
    _print_tally(f"job reading ({n_jobs} postings)", tech, every, context, args.show)
    print(f"  either/or groups read as one requirement: {found} of {total_groups}")
    tech, every, context, facts, n_resumes = read_resumes(taxonomy)
    _print_tally(f"resume reading ({n_resumes} resumes)", tech, every, context, args.show)
    print(f"  years within 1 (or 10%): {facts.years_ok}/{facts.total}; degree: {facts.degree_ok}/{facts.total}; "
          f"latest title: {facts.title_ok}/{facts.total}")
    if args.show:
        for line in facts.wrong:
            print(f"    {line}")
    jobs = sample_jobs(taxonomy)
    if not (DATA / "rankings.yaml").exists():
        sys.exit("bench/data/skills/rankings.yaml is missing")
    rhos, top, lines = rankings(taxonomy, jobs)
    print(f"rank agreement ({len(rhos)} resumes x 5 sample jobs): Spearman rho median {statistics.median(rhos):+.2f}, "
          f"mean {statistics.fmean(rhos):+.2f}; recruiter's first choice ranked first {top}/{len(rhos)}")
    if args.show:
        print("\n".join(lines))
    rows = pairs(taxonomy, jobs)
    print("sample pairs (want: across fields < 20 and poor; own field > 60):")
    for n, (resume_name, job_name, total, fit) in enumerate(rows):
        kind = "across" if n < len(CROSS_FIELD) else "own"
        ok = (total < 20 and fit == "poor") if kind == "across" else total > 60
        print(f"  {kind:6} {resume_name:24} -> {job_name:22} {total:5.1f} {fit:8} {'ok' if ok else 'NOT MET'}")
    print(f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
