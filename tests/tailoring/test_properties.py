"""Properties over generated input: never crash, never invent, never score lower."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tailor.pipeline.errors import InputError
from tailor.pipeline.tailoring import (
    RewriteOptions,
    Taxonomy,
    analyse_job,
    load_taxonomy,
    parse_job,
    parse_resume,
    profile_resume,
)
from tailor.pipeline.tailoring.guard import lost_words, word_counts

from .conftest import BACKEND_JOB, document, tailor_doc

TAXONOMY = load_taxonomy()
SURFACES = sorted({alias for skill in TAXONOMY.categories for alias in TAXONOMY.aliases(skill)})
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

surface = st.sampled_from(SURFACES)
words = st.sampled_from("built led shipped improved cut reduced designed ran owned managed the a for with and of "
                        "team customers latency revenue patients shifts quota pipeline dashboards".split())
number = st.integers(min_value=1, max_value=999).map(str)
bullet_char = st.sampled_from(["-", "*", "•", "●", "▪", "–"])
year = st.integers(min_value=1995, max_value=2023)
month = st.sampled_from(["Jan", "Mar", "June", "Sept", "Dec", "01/", "11/"])


@st.composite
def bullets(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(words, surface, number), min_size=2, max_size=12))
    return " ".join(parts).capitalize() + "."


@st.composite
def dates(draw: st.DrawFn) -> str:
    start = draw(year)
    m = draw(month)
    sep = "" if m.endswith("/") else " "
    end = draw(st.one_of(st.just("Present"), st.integers(min_value=start, max_value=2024).map(str)))
    return f"{m}{sep}{start} – {end}"


@st.composite
def resumes(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["# Ada Lovelace", "Ada Lovelace", "ADA LOVELACE"])), "ada@example.com"]
    style = draw(st.sampled_from(["md", "caps", "plain"]))

    def heading(name: str) -> str:
        return {"md": f"## {name}", "caps": name.upper(), "plain": f"{name}:"}[style]

    if draw(st.booleans()):
        lines += [heading("Summary"), draw(bullets())]
    lines.append(heading("Experience"))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        title = draw(st.sampled_from(["Engineer", "Registered Nurse", "Account Executive", "Designer", "Analyst"]))
        employer = draw(st.sampled_from(["Acme", "Globex Corp", "St. Mary's Hospital", "Initech"]))
        lines.append(f"{title} — {employer} | {draw(dates())}")
        char = draw(bullet_char)
        lines += [f"{char} {draw(bullets())}" for _ in range(draw(st.integers(min_value=0, max_value=6)))]
    if draw(st.booleans()):
        lines += [heading("Skills"), ", ".join(draw(st.lists(surface, max_size=8)))]
    if draw(st.booleans()):
        lines += [heading("Education"), f"BSc, University, {draw(year)}"]
    joiner = " " if draw(st.integers(min_value=0, max_value=9)) == 0 else "\n"  # sometimes one giant line
    return joiner.join(lines)


@st.composite
def jobs(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["Senior Engineer", "# Registered Nurse", "Account Executive", "Junior Designer"]))]
    for name in draw(st.lists(st.sampled_from(["Requirements", "Nice to have", "Responsibilities", "About us"]),
                              min_size=1, max_size=3, unique=True)):
        lines.append(f"## {name}")
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            cue = draw(st.sampled_from(["", " is required", " is a plus", " preferred", ", must have"]))
            skills = ", ".join(draw(st.lists(surface, min_size=1, max_size=3)))
            lines.append(f"- {draw(number)}+ years with {skills}{cue} for {draw(words)} {draw(words)}.")
    return "\n".join(lines)


def tailor_all(resume_text_: str, job_text: str, options: RewriteOptions) -> None:
    doc = document(resume_text_)
    source = parse_resume(doc)
    profile = profile_resume(source, TAXONOMY)
    before, result = tailor_doc(doc, job_text, TAXONOMY, options)
    # Every source word kept (unless a listed drop or rename took it out), nothing from nowhere.
    assert not lost_words(doc.text, result.text, result.edits)
    added = set(word_counts(result.text)) - set(word_counts(doc.text))
    assert added <= set(word_counts(" ".join(e.after for e in result.edits)))
    assert TAXONOMY.skills_in(result.text) <= TAXONOMY.skills_in(doc.text) | {s.skill for s in profile.skills}
    assert set(result.surfaced) <= {s.skill for s in profile.skills}
    assert not set(result.missing) & {s.skill for s in profile.skills}
    assert result.score is not None and result.score.total >= before.total
    if options.length != "concise":
        assert not [e for e in result.edits if e.kind == "drop"]
    # The output reads back: parsing it again gives the same text.
    assert parse_resume(document(result.text)).source.text == result.text  # type: ignore[union-attr]


options = st.builds(
    RewriteOptions,
    mode=st.sampled_from(["full", "partial"]),
    tone=st.sampled_from(["neutral", "confident", "formal"]),
    length=st.sampled_from(["concise", "thorough"]),
    max_bullets_per_role=st.integers(min_value=1, max_value=4),
)


@pytest.mark.slow
@FAST
@given(resume=resumes(), job=jobs(), opts=options)
def test_generated_resumes_no_invention_and_never_lower(resume: str, job: str, opts: RewriteOptions) -> None:
    tailor_all(resume, job, opts)


@FAST
@given(text=st.text(max_size=600))
def test_arbitrary_text_never_crashes(text: str) -> None:
    if not text.strip():
        with pytest.raises(InputError):
            parse_resume(document(text))
        return
    tailor_all(text, BACKEND_JOB, RewriteOptions(length="concise", max_bullets_per_role=1))


@FAST
@given(text=st.lists(st.sampled_from([*"abcXYZ019 \n\t-*•:|#/.,()–+", *SURFACES[::7], "Experience", "SKILLS",
                                        "Jan 2020 – Present", "2019-2021", "Present", "  ", "\n\n"]),
                     max_size=120).map("".join))
@pytest.mark.slow
def test_resume_like_noise_never_crashes(text: str) -> None:
    if text.strip():
        tailor_all(text, BACKEND_JOB, RewriteOptions())
        # and as a job description: analysis never crashes either
        analyse_job(parse_job(document(text, "job.md")), TAXONOMY)


def test_taxonomy_matcher_handles_every_alias(taxonomy: Taxonomy) -> None:
    # Each alias, alone in a sentence, is found as its own skill (unless a guard forbids the bare word).
    missed = [a for a in SURFACES if taxonomy.canonical(a) not in {m.skill for m in taxonomy.find(f"Used {a} daily.")}]
    assert missed == []
