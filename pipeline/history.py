"""Run history in SQLite, and the analytics `tailor analytics` prints.

A run is recorded as figures and content hashes only: the record type has no
field that could hold resume or job text. The database is shared safely by
concurrent processes (WAL, a busy timeout, bounded retries), and a corrupted
file is moved aside and replaced rather than failing the run that found it.

This module takes plain data; it imports nothing of the tailoring domain,
the CLI or config.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from tailor.pipeline.engine.stats import nearest_rank
from tailor.pipeline.errors import ConfigError, HistoryError
from tailor.pipeline.history_rows import COLUMNS, SCHEMA_VERSION
from tailor.pipeline.history_rows import insert as insert_row

__all__ = [
    "Analytics",
    "Figures",
    "GroupFigures",
    "History",
    "RunRecord",
    "StepRecord",
    "TrendBucket",
    "parse_since",
]

log = logging.getLogger("tailor.history")

# Each retry follows a full busy timeout: a lock must outlast ~4 s to lose a run. Writers hold it
# for milliseconds, so only a stuck process lasts that long, and the run that waits on it is a
# user's command (the log step runs on its event loop): it reports the lost row rather than hang.
_LOCK_RETRIES = 3
_T = TypeVar("_T")
# "mode" is --mode (full | partial); "schedule" the engine's (parallel | waves | sequential).
GroupBy = Literal["mode", "schedule", "provider", "job"]
_GROUP_COLUMNS: dict[str, str] = {
    "mode": "COALESCE(tailor_mode, 'unrecorded')",
    "schedule": "mode",
    "provider": "provider",
    "job": "job_sha256",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY,
    at_us           INTEGER NOT NULL,          -- UTC, microseconds since the epoch
    resume_sha256   TEXT    NOT NULL CHECK (length(resume_sha256) = 64),
    job_sha256      TEXT    NOT NULL CHECK (length(job_sha256) = 64),
    provider        TEXT    NOT NULL,
    mode            TEXT    NOT NULL,
    score_before    REAL    NOT NULL,
    score_after     REAL    NOT NULL,
    target          REAL    NOT NULL,
    target_met      INTEGER NOT NULL,
    duration_ms     REAL    NOT NULL,
    steps           TEXT    NOT NULL,          -- JSON list of StepRecord
    cache_hits      INTEGER NOT NULL,
    cache_lookups   INTEGER NOT NULL,
    warnings        TEXT    NOT NULL,          -- JSON list of text
    skills_surfaced TEXT    NOT NULL,          -- JSON list of skill names
    tokens_in       INTEGER,
    tokens_out      INTEGER,
    batch_id        TEXT,
    model           TEXT,                      -- the LLM that spent the tokens (prices are per model)
    tailor_mode     TEXT,                      -- --mode: full | partial
    job_name        TEXT,                      -- the job file's name (not its path)
    job_title       TEXT                       -- the job's title as the job analysis read it
);
CREATE INDEX IF NOT EXISTS runs_at ON runs (at_us);
"""
# A job's label: "Title (file.md)", whichever of the two the run recorded.
_LABEL_SQL = (
    "CASE WHEN job_title IS NOT NULL AND job_name IS NOT NULL THEN job_title || ' (' || job_name || ')' "
    "ELSE COALESCE(job_title, job_name) END"
)
# Each step takes a database from version N to N + 1 (PRAGMA user_version).
_MIGRATIONS = {
    1: ("ALTER TABLE runs ADD COLUMN model TEXT",),
    2: (
        "ALTER TABLE runs ADD COLUMN tailor_mode TEXT",
        "ALTER TABLE runs ADD COLUMN job_name TEXT",
        "ALTER TABLE runs ADD COLUMN job_title TEXT",
    ),
}
_COLUMNS = COLUMNS


# --- records ------------------------------------------------------------------


class StepRecord(BaseModel):
    """One step of a recorded run."""

    # defer_build: validators are built on first validation, not at import (a run writes its record
    # with model_construct from values it made itself; only reading history back validates).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str
    duration_ms: float = Field(ge=0)
    cache: str  # miss | l1 | l2 | stale | off
    status: str  # ok | failed | skipped


class RunRecord(BaseModel):
    """The facts of one finished run: hashes and figures, never resume text (of the job, only its file name and title)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    at: AwareDatetime
    resume_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    job_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    provider: str
    mode: str  # the schedule the engine ran (parallel | waves | sequential)
    tailor_mode: str | None = None  # --mode (full | partial); None in runs recorded before it was kept
    score_before: float
    score_after: float
    target: float
    target_met: bool
    duration_ms: float = Field(ge=0)
    steps: tuple[StepRecord, ...] = ()
    cache_hits: int = Field(default=0, ge=0)
    cache_lookups: int = Field(default=0, ge=0)
    warnings: tuple[str, ...] = ()
    skills_surfaced: tuple[str, ...] = ()
    tokens_in: int | None = Field(default=None, ge=0)
    tokens_out: int | None = Field(default=None, ge=0)
    batch_id: str | None = None
    model: str | None = None  # the LLM behind tokens_in / tokens_out
    job_name: str | None = None  # the job file's name, for `analytics --by job`
    job_title: str | None = None

    @field_validator("at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @property
    def improvement(self) -> float:
        return self.score_after - self.score_before


# --- analytics ----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Aggregates over a set of runs; None where there is nothing to average."""

    runs: int
    avg_improvement: float | None
    target_met_rate: float | None
    avg_duration_ms: float | None
    p95_duration_ms: float | None
    cache_hit_rate: float | None  # total hits / total lookups
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None  # estimated from per-model prices; None when no priced model spent tokens


@dataclass(frozen=True)
class GroupFigures:
    key: str
    figures: Figures
    label: str = ""  # what a person reads for the key: for a job, its title and file name, not its hash


@dataclass(frozen=True)
class TrendBucket:
    start: datetime
    end: datetime
    runs: int
    avg_improvement: float | None
    avg_duration_ms: float | None


@dataclass(frozen=True)
class Analytics:
    since: datetime | None  # start of the period asked for (None: all history)
    until: datetime
    overall: Figures
    by: GroupBy | None
    groups: tuple[GroupFigures, ...]
    trend: tuple[TrendBucket, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``tailor analytics --json``."""
        return {
            "since": _iso(self.since),
            "until": _iso(self.until),
            **asdict(self.overall),
            "by": self.by,
            "groups": [{"key": group.key, "label": group.label, **asdict(group.figures)} for group in self.groups],
            "trend": [
                {
                    "start": _iso(bucket.start),
                    "end": _iso(bucket.end),
                    "runs": bucket.runs,
                    "avg_improvement": bucket.avg_improvement,
                    "avg_duration_ms": bucket.avg_duration_ms,
                }
                for bucket in self.trend
            ],
        }


@dataclass(frozen=True)
class _Row:
    at_us: int
    key: str
    improvement: float
    target_met: bool
    duration_ms: float
    cache_hits: int
    cache_lookups: int
    tokens_in: int = 0
    tokens_out: int = 0
    model: str | None = None
    label: str | None = None


# US dollars per one million (input, output) tokens, by model name.
Prices = Mapping[str, tuple[float, float]]


def _cost(rows: Sequence[_Row], prices: Prices) -> float | None:
    priced = [
        (row, prices[row.model])
        for row in rows
        if row.model is not None and row.model in prices and (row.tokens_in or row.tokens_out)
    ]
    if not priced:
        return None
    return sum(row.tokens_in * p_in + row.tokens_out * p_out for row, (p_in, p_out) in priced) / 1_000_000


def _figures(rows: Sequence[_Row], prices: Prices | None = None) -> Figures:
    if not rows:
        return Figures(0, None, None, None, None, None)
    n = len(rows)
    lookups = sum(row.cache_lookups for row in rows)
    return Figures(
        runs=n,
        avg_improvement=sum(row.improvement for row in rows) / n,
        target_met_rate=sum(row.target_met for row in rows) / n,
        avg_duration_ms=sum(row.duration_ms for row in rows) / n,
        p95_duration_ms=nearest_rank(sorted(row.duration_ms for row in rows), 0.95),
        cache_hit_rate=sum(row.cache_hits for row in rows) / lookups if lookups else None,
        tokens_in=sum(row.tokens_in for row in rows),
        tokens_out=sum(row.tokens_out for row in rows),
        cost_usd=_cost(rows, prices or {}),
    )


def _trend(rows: Sequence[_Row], start_us: int, end_us: int, buckets: int) -> tuple[TrendBucket, ...]:
    if not rows:
        return ()
    count = buckets if end_us > start_us else 1
    width = max(1, end_us - start_us) / count
    members: list[list[_Row]] = [[] for _ in range(count)]
    for row in rows:
        members[min(count - 1, max(0, int((row.at_us - start_us) / width)))].append(row)
    out = []
    for index, group in enumerate(members):
        n = len(group)
        out.append(
            TrendBucket(
                start=_from_us(round(start_us + index * width)),
                end=_from_us(round(start_us + (index + 1) * width)) if count > 1 else _from_us(end_us),
                runs=n,
                avg_improvement=sum(row.improvement for row in group) / n if n else None,
                avg_duration_ms=sum(row.duration_ms for row in group) / n if n else None,
            )
        )
    return tuple(out)


_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE | re.ASCII)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}


def parse_since(text: str) -> timedelta:
    """``"30m"``, ``"12h"``, ``"7d"``, ``"2w"`` (also ``s``) as a timedelta. Raises ConfigError."""
    match = _SINCE.match(text)
    amount = float(match.group(1)) if match else 0.0
    if not match or amount <= 0:
        raise ConfigError(f"expected a positive duration like 30m, 12h, 7d or 2w, got {text!r}")
    return timedelta(seconds=amount * _UNIT_SECONDS[match.group(2).lower()])


# --- the store ----------------------------------------------------------------


class History:
    """The run history database at ``path`` (created 0o600 in a 0o700 folder)."""

    def __init__(self, path: Path, *, busy_timeout: float = 1.0, warn: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout  # seconds SQLite waits for a lock before each retry
        self.warnings: list[str] = []  # problems recovered from (e.g. a corrupted file moved aside)
        self._warn = warn
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file as opened
        self.last_row: tuple[Any, ...] | None = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # public operations

    def record(self, run: RunRecord) -> None:
        """Append one run. Raises HistoryError when the database stays locked."""
        values = (
            _to_us(run.at),
            run.resume_sha256,
            run.job_sha256,
            run.provider,
            run.mode,
            run.score_before,
            run.score_after,
            run.target,
            int(run.target_met),
            run.duration_ms,
            json.dumps([step.model_dump() for step in run.steps]),
            run.cache_hits,
            run.cache_lookups,
            json.dumps(list(run.warnings)),
            json.dumps(list(run.skills_surfaced)),
            run.tokens_in,
            run.tokens_out,
            run.batch_id,
            run.model,
            run.tailor_mode,
            run.job_name,
            run.job_title,
        )

        def insert(conn: sqlite3.Connection) -> None:
            insert_row(conn, values)

        self._run(insert)
        self.last_row = values  # what a whole-run record replays (cli/_fast.py), at and duration set anew

    def recent(self, limit: int = 20) -> list[RunRecord]:
        """The last ``limit`` runs, newest first."""
        rows = self._run(
            lambda conn: conn.execute(
                f"SELECT {_COLUMNS} FROM runs ORDER BY at_us DESC, id DESC LIMIT ?", (max(0, limit),)
            ).fetchall()
        )
        return [_record(row) for row in rows]

    def analytics(
        self,
        since: timedelta | None = None,
        by: GroupBy | None = None,
        buckets: int = 12,
        *,
        now: datetime | None = None,
        prices: Prices | None = None,
    ) -> Analytics:
        """Aggregates over the runs of the last ``since`` (all runs when None), optionally per group.

        ``prices`` (dollars per million input / output tokens, by model) turn token counts into an
        estimated cost.
        """
        if by is not None and by not in _GROUP_COLUMNS:
            raise ConfigError(f"by: expected one of {', '.join(_GROUP_COLUMNS)}, got {by!r}")
        if buckets < 1:
            raise ConfigError(f"buckets: expected at least 1, got {buckets}")
        until = (now or datetime.now(UTC)).astimezone(UTC)
        start = until - since if since is not None else None
        key_column = _GROUP_COLUMNS[by] if by else "''"
        sql = (
            f"SELECT at_us, {key_column}, score_after - score_before, target_met, duration_ms, "
            "cache_hits, cache_lookups, COALESCE(tokens_in, 0), COALESCE(tokens_out, 0), model, "
            f"{_LABEL_SQL if by == 'job' else 'NULL'} FROM runs WHERE at_us >= ? AND at_us <= ? ORDER BY at_us"
        )
        window = (_to_us(start) if start else 0, _to_us(until))  # 0: the epoch, before any run
        rows = [_Row(*row) for row in self._run(lambda conn: conn.execute(sql, window).fetchall())]

        groups: tuple[GroupFigures, ...] = ()
        if by is not None:
            members: dict[str, list[_Row]] = {}
            labels: dict[str, str] = {}
            for row in rows:
                members.setdefault(row.key, []).append(row)
                if row.label:  # the newest run's wording of the job wins
                    labels[row.key] = row.label
            figures = [GroupFigures(key, _figures(group, prices), labels.get(key, key[:12] if by == "job" else key))
                       for key, group in members.items()]
            groups = tuple(sorted(figures, key=lambda group: (-group.figures.runs, group.key)))

        if start is not None:
            span = (_to_us(start), _to_us(until))
        elif rows:
            span = (rows[0].at_us, rows[-1].at_us)
        else:
            span = (0, 0)
        return Analytics(
            since=start,
            until=until,
            overall=_figures(rows, prices),
            by=by,
            groups=groups,
            trend=_trend(rows, *span, buckets),
        )

    # connection handling

    def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``operation`` on the connection, retrying locks and recovering from corruption once."""
        with self._lock:
            recovered = False
            attempt = 0
            while True:
                try:
                    return operation(self._connection())
                except sqlite3.DatabaseError as exc:
                    if _is_corruption(exc) and not recovered:
                        self._move_aside(exc)
                        recovered = True
                        continue
                    if not _is_locked(exc):
                        raise HistoryError(f"{self.path}: history database error: {exc}") from exc
                    if attempt == _LOCK_RETRIES:
                        raise HistoryError(f"{self.path}: history database stayed locked; run not recorded") from exc
                    attempt += 1
                    # The busy timeout already waited; a short pause, different per process, spreads the retries.
                    time.sleep(0.05 * attempt * (1 + (os.getpid() % 7) / 7))
                except OSError as exc:
                    raise HistoryError(f"{self.path}: cannot open the history database ({exc.strerror or exc})") from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None and not self._in_place():
            # Deleted or replaced while open: SQLite would write on into the unlinked file and
            # every record would be lost. Say so once, and start a new database at the path.
            self._conn.close()
            self._conn = None
            self._tell(f"history database {self.path} was removed or replaced while in use; started a new one")
        if self._conn is None:
            self._conn = self._open()
            with contextlib.suppress(OSError):
                info = os.stat(self.path)
                self._identity = (info.st_dev, info.st_ino)
        return self._conn

    def _in_place(self) -> bool:
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        return self._identity is None or (info.st_dev, info.st_ino) == self._identity

    def _tell(self, message: str) -> None:
        self.warnings.append(message)
        if self._warn is not None:  # the caller shows it to the user; logging it too would say it twice
            self._warn(message)
        else:
            log.warning(message)

    def _open(self) -> sqlite3.Connection:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)  # mkdir's mode is filtered by the umask; chmod is not
        # Create the file ourselves so it is never world-readable, even for an instant.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(self.path, 0o600)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never opened behind our back.
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable across crashes of the process under WAL
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise HistoryError(f"{self.path}: history schema {version} is newer than this tailor ({SCHEMA_VERSION})")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have created or migrated it meanwhile.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            else:
                for version in range(current, SCHEMA_VERSION):
                    for statement in _MIGRATIONS[version]:
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _move_aside(self, exc: sqlite3.DatabaseError) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        with contextlib.suppress(FileNotFoundError):  # another process moved it first
            self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                companion.rename(aside.with_name(aside.name + suffix))
        message = f"history database {self.path} was corrupted ({exc}); moved it to {aside.name} and started a new one"
        self._tell(message)


def _is_locked(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc) or "busy" in str(exc)


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    text = str(exc)
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text


def _record(row: Iterable[Any]) -> RunRecord:
    (at_us, resume, job, provider, mode, before, after, target, met, duration, steps, hits, lookups,
     warnings, skills, tokens_in, tokens_out, batch_id, model, tailor_mode, job_name, job_title) = row  # fmt: skip
    return RunRecord(
        at=_from_us(at_us),
        resume_sha256=resume,
        job_sha256=job,
        provider=provider,
        mode=mode,
        score_before=before,
        score_after=after,
        target=target,
        target_met=bool(met),
        duration_ms=duration,
        steps=tuple(StepRecord(**step) for step in json.loads(steps)),
        cache_hits=hits,
        cache_lookups=lookups,
        warnings=tuple(json.loads(warnings)),
        skills_surfaced=tuple(json.loads(skills)),
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        batch_id=batch_id,
        model=model,
        tailor_mode=tailor_mode,
        job_name=job_name,
        job_title=job_title,
    )


def _to_us(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
