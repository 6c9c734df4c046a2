"""Every sample resume and every resume of the messy corpus against every sample job.

With default settings every output keeps every word of its source (renames list
what they replace), the score never falls, the same inputs give the same bytes,
and the file written in the source's own format reads back with the same reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.app.output import render_output
from tailor.pipeline.readers import read_job, read_resume
from tailor.pipeline.tailoring import RewriteOptions, Taxonomy, analyse_job, parse_job
from tailor.pipeline.tailoring.guard import lost_words, word_counts
from tailor.pipeline.writers import format_of

from .conftest import MESSY_RESUMES, SAMPLE_JOBS, SAMPLE_RESUMES, tailor_doc

pytestmark = pytest.mark.skipif(not SAMPLE_JOBS, reason="sample_data/jobs not present")
RESUMES = [p for p in SAMPLE_RESUMES + MESSY_RESUMES if p.suffix in (".md", ".txt", ".json", ".yaml", ".docx", ".pdf")]


@pytest.fixture(scope="module")
def jobs(taxonomy: Taxonomy) -> list[tuple[str, object]]:
    return [(p.name, analyse_job(parse_job(read_job(p)), taxonomy)) for p in SAMPLE_JOBS]


@pytest.mark.slow
@pytest.mark.parametrize("resume_path", RESUMES, ids=lambda p: p.name)
def test_every_word_kept_and_no_score_falls(resume_path: Path, jobs: list, taxonomy: Taxonomy, tmp_path: Path) -> None:
    doc = read_resume(resume_path)
    for name, job in jobs:
        before, result = tailor_doc(doc, job, taxonomy)
        assert result.score is not None and result.score.total >= before.total, name
        assert not [e for e in result.edits if e.kind == "drop"], name
        renamed = sum((word_counts(e.before) for e in result.edits if e.kind == "rename"), word_counts(""))
        missing = word_counts(doc.text) - word_counts(result.text)
        assert missing <= renamed, (name, missing - renamed)
        assert not lost_words(doc.text, result.text, result.edits)
        # Written in the source's own format, it reads back with the same reader, every word there.
        fmt = format_of(resume_path)
        assert fmt is not None
        if fmt == "pdf":
            continue  # typeset anew: tests/writers check the PDF writer keeps every word
        out = tmp_path / f"out.{name}{resume_path.suffix}"
        out.write_bytes(render_output(doc, result, fmt, str(resume_path)))
        again = read_resume(out)
        assert again.format == doc.format
        assert word_counts(doc.text) - word_counts(again.text) <= renamed, name


@pytest.mark.parametrize("resume_path", RESUMES[::3], ids=lambda p: p.name)
def test_concise_lists_every_drop_and_keeps_numbers(resume_path: Path, jobs: list, taxonomy: Taxonomy) -> None:
    doc = read_resume(resume_path)
    for name, job in jobs:
        before, result = tailor_doc(doc, job, taxonomy, RewriteOptions(length="concise"))
        assert result.score is not None and result.score.total >= before.total, name
        dropped = [e for e in result.edits if e.kind == "drop"]
        for edit in dropped:
            assert not any(ch.isdigit() for ch in edit.before), edit.before
            assert edit.before.strip() and edit.before.strip() not in result.text
        assert not lost_words(doc.text, result.text, result.edits)


@pytest.mark.parametrize(("resume_name", "job_name"), [
    ("software_engineer.md", "backend_engineer.md"),
    ("registered_nurse.pdf", "registered_nurse.txt"),
    ("account_executive.txt", "account_executive.md"),
    ("product_designer.docx", "product_designer.md"),
    ("data_scientist.json", "data_scientist.txt"),
])
def test_matching_pairs_score_well_improve_and_are_deterministic(resume_name: str, job_name: str,
                                                                 taxonomy: Taxonomy) -> None:
    root = SAMPLE_JOBS[0].parents[1]
    resume_path, job_path = root / "resumes" / resume_name, root / "jobs" / job_name
    doc = read_resume(resume_path)
    job = analyse_job(parse_job(read_job(job_path)), taxonomy)
    before, result = tailor_doc(doc, job, taxonomy)
    assert result.score is not None
    assert before.total >= 55 and result.score.total > before.total
    assert tailor_doc(doc, job, taxonomy)[1].text == result.text
    for other in SAMPLE_JOBS:
        if other != job_path:
            assert tailor_doc(doc, analyse_job(parse_job(read_job(other)), taxonomy), taxonomy)[0].total < before.total
