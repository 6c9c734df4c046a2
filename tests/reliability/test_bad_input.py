"""Bad input through the real CLI: one line naming the file and the problem, exit 2 (`run`) or one failed item (`batch`).

Cases already covered elsewhere (missing file, folder, empty, binary, malformed JSON, JSON
that is not a resume, YAML tags, corrupt PDF and DOCX, an empty job) are listed in the
README's Reliability table with the test that covers them; these are the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    BAD,
    JOB,
    RESUME,
    Invoke,
    assert_one_line_error,
    make_tiny_resumes,
)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("latin1.txt", "not UTF-8 text (byte 0xe9 on line 1 is invalid)"),
        ("malformed.yaml", "malformed YAML at line 7"),
        ("no_resume_keys.json", "not a JSON Resume (none of basics, work, education, skills)"),
        ("scanned.pdf", "PDF has no text layer (scanned?)"),
        ("encrypted.pdf", "encrypted PDF; remove the password"),
        ("not_word.docx", "corrupt DOCX"),
        ("whitespace.txt", "file is empty or whitespace only"),
        ("no_words.md", "no readable text"),
    ],
)
def test_bad_resume_is_one_line_exit_2(tailor: Invoke, tmp_path: Path, name: str, problem: str) -> None:
    path = BAD / name
    code, out, err = tailor("run", path, "--job", JOB, "--out", tmp_path / "out.md")
    line = assert_one_line_error(code, err, names=f"{path}: ")
    assert problem in line
    assert not (tmp_path / "out.md").exists() and out == ""


@pytest.mark.parametrize("suffix", [".md", ".txt", ".json", ".yaml", ".pdf", ".docx"])
def test_binary_file_with_a_resume_extension(tailor: Invoke, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}"
    path.write_bytes(bytes(range(256)) * 40)  # every byte value: what a photo or a zip fragment looks like
    code, _, err = tailor("run", path, "--job", JOB)
    line = assert_one_line_error(code, err, names=f"{path}: ")
    assert any(word in line for word in ("binary data", "not UTF-8", "not a PDF", "not a DOCX")), line


@pytest.mark.parametrize(
    "text",
    ["lorem ipsum\n", "---\n***\n!!!\n", "TBD\n\n\n", "1 2 3\n"],
    ids=["two-words", "punctuation", "placeholder", "numbers"],
)
def test_job_with_no_recognisable_content(tailor: Invoke, tmp_path: Path, text: str) -> None:
    job = tmp_path / "job.txt"
    job.write_text(text, encoding="utf-8")
    code, _, err = tailor("run", RESUME, "--job", job, "--out", tmp_path / "out.md")
    line = assert_one_line_error(code, err, names=f"{job}: ")
    assert "no recognisable content" in line or "no readable text" in line


def test_a_folder_where_the_job_file_is_expected(tailor: Invoke, tmp_path: Path) -> None:
    code, _, err = tailor("run", RESUME, "--job", tmp_path, "--out", tmp_path / "out.md")
    assert_one_line_error(code, err, names=f"{tmp_path}: is a folder, not a file")


def test_a_50_mb_file_is_refused_by_the_settings_limit_before_it_is_read(tailor: Invoke, tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB long, nothing on disk
    (tmp_path / "tailor.yaml").write_text("limits:\n  max_input_bytes: 2000000\n", encoding="utf-8")
    io = Path("/proc/self/io")
    before = _bytes_read(io)
    code, _, err = tailor("run", huge, "--job", JOB)
    line = assert_one_line_error(code, err, names=f"{huge}: ")
    assert "file is 50,000,000 bytes; the limit is 2,000,000 bytes" in line  # the limit from settings
    if before is not None:
        assert _bytes_read(io) - before < 5_000_000  # never read whole


def _bytes_read(io: Path) -> int | None:
    if not io.exists():
        return None
    fields = dict(line.split(": ") for line in io.read_text().splitlines())
    return int(fields["rchar"])


def test_a_job_over_the_limit_is_refused_too(tailor: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_LIMITS__MAX_INPUT_BYTES", "100")
    code, _, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md")
    assert_one_line_error(code, err, names="the limit is 100 bytes")


def test_unknown_format_is_a_usage_error_naming_the_option(tailor: Invoke, tmp_path: Path) -> None:
    code, out, err = tailor("run", RESUME, "--job", JOB, "--format", "rtf", "--out", tmp_path / "out.rtf")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "--format" in err and "'rtf' is not one of" in err
    assert not (tmp_path / "out.rtf").exists()


def test_usage_errors_are_one_line_from_the_console_script(env: dict[str, str]) -> None:
    # The console script's main() turns click's usage errors into one line (CliRunner bypasses main).
    for args in (["run", str(RESUME), "--job", str(JOB), "--format", "rtf"], ["run"], ["nosuch"]):
        done = subprocess.run(
            [sys.executable, "-m", "tailor.cli", *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=120
        )
        line = assert_one_line_error(done.returncode, done.stderr)
        if "--format" in args:
            assert line == "error: --format must be one of md, txt, json, yaml, docx, pdf, html (got 'rtf')."


@pytest.mark.parametrize(
    ("yaml_text", "key_and_problem"),
    [
        ("cache:\n  l1_max_entries: lots\n", "cache.l1_max_entries: expected an integer, got 'lots'"),
        ("limits:\n  max_input_bytes: [1, 2]\n", "limits.max_input_bytes: expected an integer"),
        ("tailoring:\n  target_score: high\n", "tailoring.target_score: expected a number, got 'high'"),
        ("batch: 4\n", "batch: expected a section of key: value pairs, got 4"),
    ],
)
def test_config_with_a_wrong_type_names_the_file_and_key(tailor: Invoke, tmp_path: Path, yaml_text: str, key_and_problem: str) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    for command in (["run", RESUME, "--job", JOB], ["batch", tmp_path, "--job", JOB], ["config", "show"]):
        code, _, err = tailor(*command, "--config", config)
        line = assert_one_line_error(code, err, names="settings.yaml")
        assert key_and_problem in line, command


def test_config_with_object_constructing_tags_is_refused_not_run(tailor: Invoke, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    config = tmp_path / "tailor.yaml"
    config.write_text(f"cache: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    code, _, err = tailor("run", RESUME, "--job", JOB)
    assert_one_line_error(code, err, names="tailor.yaml")
    assert not marker.exists()


def test_resume_yaml_with_object_constructing_tags_is_refused_not_run(tailor: Invoke, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    resume = tmp_path / "resume.yaml"
    resume.write_text(
        f"basics:\n  name: !!python/object/apply:os.system ['touch {marker}']\nwork: []\n", encoding="utf-8"
    )
    code, _, err = tailor("run", resume, "--job", JOB)
    assert_one_line_error(code, err, names=f"{resume}: YAML tag not allowed")
    assert not marker.exists()


def test_in_a_batch_each_bad_file_is_one_failed_item_and_exit_1(tailor: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_tiny_resumes(folder, 3)
    with open(folder / "huge.md", "wb") as handle:
        handle.truncate(50_000_000)
    shutil.copy(BAD / "latin1.txt", folder / "latin1.txt")
    (folder / "photo.pdf").write_bytes(bytes(range(256)) * 40)
    (folder / "dir.md").mkdir()  # a folder with a resume's name is walked into, not read
    (tmp_path / "tailor.yaml").write_text("limits:\n  max_input_bytes: 2000000\n", encoding="utf-8")
    code, out, err = tailor("batch", folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "1", "--json")
    assert code == 1, err
    assert "Traceback" not in err
    data = json.loads(out)
    items = {Path(i["resume"]).name: i for i in data["items"]}
    assert {n for n, i in items.items() if i["status"] == "failed"} == {"huge.md", "latin1.txt", "photo.pdf"}
    assert "the limit is 2,000,000 bytes" in items["huge.md"]["error"]
    for name in ("huge.md", "latin1.txt", "photo.pdf"):
        error = items[name]["error"]
        assert name in error and "\n" not in error
    assert data["summary"]["succeeded"] == 3 and data["summary"]["failed"] == 3


def test_a_lone_surrogate_in_a_json_resume_is_an_input_error(tailor: Invoke, tmp_path: Path) -> None:
    # Issue 17: '"\\ud800"' is valid JSON but not text; it failed late (step stored: UnicodeEncodeError, exit 1).
    resume = tmp_path / "cv.json"
    resume.write_text('{"basics": {"name": "Ana \\ud800 Lima", "email": "a@x.com"}, "work": []}', encoding="utf-8")
    for out in ("out.md", "out.json", "out.pdf"):
        code, _, err = tailor("run", resume, "--job", JOB, "--out", tmp_path / out)
        line = assert_one_line_error(code, err, names="cv.json")
        assert "lone surrogate" in line and "basics.name" in line
        assert not (tmp_path / out).exists()
