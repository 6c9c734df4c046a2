from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers import (
    JOB_SUFFIXES,
    RESUME_SUFFIXES,
    read_job,
    read_resume,
)
from tailor.pipeline.readers.documents import SourceDocument

DATA = Path(__file__).resolve().parent.parent / "data"

BAD = DATA / "bad"


def _error(reader: Callable[..., SourceDocument], path: Path | str, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        reader(path, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message and "\r" not in message
    return message[len(f"{path}: ") :]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.md", "file is empty"),
        ("whitespace.txt", "file is empty or whitespace only"),
        ("binary.md", "binary data, not text (it contains NUL bytes)"),
        ("latin1.txt", "not UTF-8 text (byte 0xe9 on line 1 is invalid)"),
        ("no_words.md", "no readable text"),
        ("malformed.json", "malformed JSON at line 5, column 3: "),
        ("malformed.yaml", "malformed YAML at line "),
        ("not_resume.json", "not a JSON Resume (the JSON holds a list"),
        ("no_resume_keys.json", "not a JSON Resume (none of basics, work, education, skills)"),
        ("tags.yaml", "YAML tag not allowed at line 3"),
        ("corrupt.docx", "corrupt DOCX"),
        ("not_word.docx", "corrupt DOCX"),
        ("corrupt.pdf", "corrupt PDF"),
        ("scanned.pdf", "PDF has no text layer (scanned?); OCR it first"),
        ("encrypted.pdf", "encrypted PDF"),
        ("resume.rtf", "unsupported resume type '.rtf'"),
    ],
)
def test_bad_resumes(name: str, problem: str) -> None:
    assert _error(read_resume, BAD / name).startswith(problem)


def test_empty_job() -> None:
    assert _error(read_job, BAD / "job_empty.txt") == "file is empty or whitespace only"


def test_job_formats_are_text_only(tmp_path: Path) -> None:
    path = tmp_path / "job.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert _error(read_job, path).startswith("unsupported job description type '.pdf'")
    assert JOB_SUFFIXES < RESUME_SUFFIXES


def test_missing_file(tmp_path: Path) -> None:
    assert _error(read_resume, tmp_path / "nope.md") == "no such file"
    assert _error(read_job, str(tmp_path / "nope.txt")) == "no such file"


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "resume.md"
    folder.mkdir()
    assert _error(read_resume, folder) == "is a folder, not a file"


def test_no_extension(tmp_path: Path) -> None:
    path = tmp_path / "README"
    path.write_text("Ann Example", encoding="utf-8")
    assert _error(read_resume, path).startswith("unsupported resume type a file with no extension")


@pytest.mark.parametrize(("suffix", "problem"), [(".pdf", "not a PDF (no %PDF header)"),
                                                 (".docx", "not a DOCX (not a zip archive)")])
def test_content_must_match_suffix(tmp_path: Path, suffix: str, problem: str) -> None:
    path = tmp_path / f"resume{suffix}"
    path.write_text("# Ann Example\nSkills: Python\n", encoding="utf-8")
    assert _error(read_resume, path) == problem


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "RESUME.MD"
    path.write_text("Ann Example", encoding="utf-8")
    assert read_resume(path).format == "markdown"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.md"
    path.write_text("Ann Example", encoding="utf-8")
    path.chmod(0)
    try:
        assert _error(read_resume, path) == "permission denied"
    finally:
        path.chmod(0o600)


def _bytes_read() -> int:
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["rchar"])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io to count bytes read")
def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with open(path, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB long, nothing on disk
    before = _bytes_read()
    problem = _error(read_resume, path)
    assert _bytes_read() - before < 1_000_000
    assert problem == "file is 50,000,000 bytes; the limit is 10,000,000 bytes"


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "job.txt"
    path.write_text("Backend engineer, 5+ years of Python. " * 50, encoding="utf-8")
    size = path.stat().st_size
    assert _error(read_job, path, max_bytes=size - 1).startswith(f"file is {size:,} bytes")
    assert read_job(path, max_bytes=size).text.startswith("Backend engineer")


def test_unprintable_path_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.md"
    with pytest.raises(InputError) as caught:
        read_resume(path)
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("two\\nlines.md: no such file")


@pytest.mark.parametrize("body", [b"\xff\xfe" + "Ann".encode("utf-16-le") + b"\x00\xd8", b"\xef\xbb\xbf"])
def test_bom_edge_cases(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(body)
    problem = _error(read_resume, path)
    assert problem.startswith(("not valid UTF-16-LE text", "file is empty or whitespace only"))


def test_a_file_that_grows_after_its_stat_is_read_whole_and_still_capped(tmp_path: Path, monkeypatch) -> None:
    from tailor.pipeline.readers import _bytes as _read_bytes

    path = tmp_path / "growing.md"
    path.write_bytes(b"x" * 5000)
    real_stat = os.stat

    def stale_stat(target, *args, **kwargs):  # the size as it was a moment before the file grew
        info = real_stat(target, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 100, *info[7:]))

    monkeypatch.setattr(_read_bytes.os, "stat", stale_stat)
    assert _read_bytes.read_bytes(path, "growing.md", 10_000) == b"x" * 5000
    with pytest.raises(InputError, match="over the limit of 4,000 bytes"):
        _read_bytes.read_bytes(path, "growing.md", 4000)
