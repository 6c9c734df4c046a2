"""The history table's row layout, with the standard library only (the whole-run fast path
appends a row without importing pydantic; ``history.History`` writes through the same SQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

SCHEMA_VERSION = 3
COLUMNS = (
    "at_us, resume_sha256, job_sha256, provider, mode, score_before, score_after, target, target_met, "
    "duration_ms, steps, cache_hits, cache_lookups, warnings, skills_surfaced, tokens_in, tokens_out, batch_id, model, "
    "tailor_mode, job_name, job_title"
)
WIDTH = COLUMNS.count(",") + 1
AT_US, DURATION_MS = 0, 9  # the two fields a replayed run sets anew
INSERT = f"INSERT INTO runs ({COLUMNS}) VALUES ({', '.join('?' * WIDTH)})"


def insert(conn: sqlite3.Connection, values: Sequence[Any]) -> None:
    """One row, in its own immediate transaction."""
    if len(values) != WIDTH:
        raise ValueError(f"a history row has {WIDTH} values, not {len(values)}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(INSERT, tuple(values))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
