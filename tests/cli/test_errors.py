"""The exception tree carries no exit codes; the CLI maps every class to one, in one place."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
import typer

from tailor.cli.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, exit_code, run_guarded
from tailor.pipeline import errors

EXPECTED = {
    "TailorError": 2,
    "InputError": 2,
    "ConfigError": 2,
    "UsageError": 2,
    "GraphError": 2,
    "StepError": 1,
    "TransientError": 1,
    "CacheError": 1,
    "GuardError": 1,
    "ProviderError": 1,
    "HistoryError": 1,
}


def _classes() -> dict[str, type[errors.TailorError]]:
    return {
        name: cls
        for name, cls in vars(errors).items()
        if inspect.isclass(cls) and issubclass(cls, errors.TailorError) and cls.__module__ == errors.__name__
    }


def test_every_error_class_has_its_exit_code() -> None:
    classes = _classes()
    assert set(classes) == set(EXPECTED)
    assert {name: exit_code(cls("x")) for name, cls in classes.items()} == EXPECTED
    assert (EXIT_INTERRUPTED, EXIT_TERMINATED) == (130, 143)


def test_a_subclass_gets_the_code_of_its_nearest_mapped_class() -> None:
    class Unlisted(errors.StepError):
        pass

    class Bare(errors.TailorError):
        pass

    assert exit_code(Unlisted("x")) == 1
    assert exit_code(Bare("x")) == 2


def test_the_tree_is_documented_and_holds_no_exit_codes() -> None:
    assert errors.__doc__ is not None
    for name, cls in _classes().items():
        assert "exit_code" not in vars(cls), name
        assert cls.__doc__ and "\n" not in cls.__doc__.strip(), name  # one line: when it is raised
        assert name in errors.__doc__, name


@pytest.mark.parametrize(("error", "code"), [(errors.HistoryError("history.db: locked"), 1), (errors.InputError("cv.md: empty"), 2)])
def test_run_guarded_prints_one_line_and_exits_with_the_mapped_code(
    error: errors.TailorError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    def command() -> int:
        raise error

    with pytest.raises(typer.Exit) as exited:
        run_guarded(command)
    assert exited.value.exit_code == code
    assert capsys.readouterr().err == f"error: {error}\n"


def test_help_imports_neither_rich_anyio_pydantic_nor_the_pipeline() -> None:
    heavy = ("rich", "anyio", "pydantic", "tailor.pipeline")
    script = (
        "import sys\n"
        "from tailor.cli.app import main\n"
        "sys.argv = ['tailor', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m.startswith('tailor.pipeline'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Commands:" in done.stdout
    assert done.stderr.split() == []
