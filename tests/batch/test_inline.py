"""A batch that fits one chunk runs in this process: no pool, the same results, the time limit kept."""

from __future__ import annotations

import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from tailor.config import default_settings, load_settings
from tailor.pipeline.batch.driver import Batch
from tailor.pipeline.batch.executor import CHUNK_SIZE
from tailor.pipeline.batch.executor_inline import _Clock, _Interrupted, interruptible
from tailor.pipeline.batch.plan import OutputIndex
from tailor.pipeline.history import History
from tests.batch.conftest import JOB, SAMPLES, make_resumes


def _batch(folder: Path, out: Path, **tailoring: object) -> Batch:
    settings = load_settings().settings  # the env fixture's cache and history folders
    settings = settings.model_copy(update={"tailoring": settings.tailoring.model_copy(update=tailoring)})
    return Batch(settings, folder, [JOB], out, workers=2)


def test_only_a_batch_of_one_chunk_of_python_only_items_runs_in_process(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "in"
    make_resumes(folder, CHUNK_SIZE)
    assert _batch(folder, tmp_path / "out")._fits_inline()
    assert not _batch(folder, tmp_path / "out", output_format="pdf")._fits_inline()  # typst: a native call
    assert not Batch(default_settings(), folder, [JOB, JOB], tmp_path / "out")._fits_inline()  # 16 items
    dask = _batch(folder, tmp_path / "out")
    dask.executor = "dask"
    assert not dask._fits_inline()
    make_resumes(folder, 1, prefix="extra")
    assert not _batch(folder, tmp_path / "out")._fits_inline()  # nine items: two chunks
    docx = tmp_path / "docx"
    docx.mkdir()
    shutil.copy(next((SAMPLES / "resumes").glob("*.docx")), docx / "cv.docx")
    assert not _batch(docx, tmp_path / "out")._fits_inline()  # lxml: a native call
    assert interruptible("a.MD", "md") and interruptible("a.yml", "html") and not interruptible("a.pdf", "md")


def _run(batch: Batch) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    batch.out.mkdir(exist_ok=True)  # as the CLI does
    batch.run(lambda outcome: outcomes.__setitem__(outcome.item.name, outcome.status), lambda: False)
    return outcomes


def test_in_process_gives_the_outputs_history_and_manifest_a_pool_gives(tmp_path: Path, env: dict[str, str]) -> None:
    small = tmp_path / "small"
    make_resumes(small, 3)
    large = tmp_path / "large"
    shutil.copytree(small, large)
    make_resumes(large, CHUNK_SIZE, prefix="pad")  # 11 items: a pool
    inline, pooled = _batch(small, tmp_path / "out-a"), _batch(large, tmp_path / "out-b")
    assert inline._fits_inline() and not pooled._fits_inline()
    assert set(_run(inline).values()) == {"ok"}
    assert set(_run(pooled).values()) == {"ok"}
    for path in (tmp_path / "out-a").glob("r*.md"):
        assert path.read_bytes() == (tmp_path / "out-b" / path.name).read_bytes()
    index = OutputIndex.load(tmp_path / "out-a")  # the manifest: a re-run skips all three
    fingerprint = inline.settings.fingerprint()
    assert all(index.up_to_date(p.name, fingerprint, 0) for p in (tmp_path / "out-a").glob("r*.md"))
    index.close()
    runs = History(Path(env["TAILOR_DATA_DIR"]) / "history.sqlite3").recent(100)
    assert len(runs) == 3 + 3 + CHUNK_SIZE  # every item once, in process as on the pool
    assert set(_run(_batch(small, tmp_path / "out-a")).values()) == {"skipped"}


def _busy() -> None:
    while True:
        sum(range(1000))


def test_the_clock_interrupts_python_code_and_the_regex_engine_past_the_limit() -> None:
    before = signal.getsignal(signal.SIGALRM)
    for work in (_busy, lambda: re.match(r"(a+)+$", "a" * 40 + "b")):
        clock = _Clock(0.3, lambda: False)
        started = time.monotonic()
        with pytest.raises(_Interrupted), clock.item():
            work()
        assert 0.3 <= time.monotonic() - started < 5.0
        assert clock.fired == "timed_out"
    assert signal.getsignal(signal.SIGALRM) is before  # the handler and the timer are put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_after_a_stop_the_running_item_gets_a_grace_then_is_interrupted() -> None:
    stop_at = time.monotonic() + 0.2
    clock = _Clock(None, lambda: time.monotonic() > stop_at)  # no time limit: only the stop ends it
    with pytest.raises(_Interrupted), clock.item():
        _busy()
    assert clock.fired == "stopped"
    assert time.monotonic() - stop_at >= 0.8  # the grace a stop gives an item to finish


def test_an_item_that_finishes_in_time_is_not_interrupted() -> None:
    clock = _Clock(5.0, lambda: False)
    with clock.item():
        time.sleep(0.35)  # several ticks: a system call a tick lands in is resumed, not failed
    assert clock.fired is None
