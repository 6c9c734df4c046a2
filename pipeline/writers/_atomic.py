"""Writing outputs so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from tailor.pipeline.errors import InputError

# ".NAME.PID.RANDOM.part": the writer's process id says whether a leftover is still being written.
_PART = re.compile(r"^\..+\.(\d+)\.[^.]+\.part$")


def write_atomically(path: str | Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to a temporary file beside ``path``, then rename it into place."""
    target = Path(path)
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent)
        # No fsync: the rename already means a crash of tailor never leaves half a file, and
        # fsync would add ~4-8 ms a file (minutes over a large batch) for power-loss durability.
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{target}: cannot write the output ({error.strerror or error})") from None


def write_if_changed(path: str | Path, text: str | bytes) -> bool:
    """Write ``text`` to ``path`` unless the file already holds exactly it; True if it wrote.

    An unchanged file is only touched (its mtime says it was produced now, which is
    what a batch's up-to-date check reads): a cached re-run then costs one small read
    instead of a temporary file, a write and a rename.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with open(path, "rb") as handle:
            same = handle.read(len(data) + 1) == data
        if same:
            os.utime(path)
            return False
    except OSError:
        pass  # missing or unreadable: the write below says what is wrong, if anything
    write_atomically(path, text)
    return True


def remove_stale_parts(folder: str | Path) -> int:
    """Delete temporary files in ``folder`` left by writers that are no longer running; the count removed.

    A writer killed mid-write (a crashed worker, a second Ctrl-C) leaves its ``.part``
    file; one whose process still runs (another batch on the same folder) is kept.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _PART.match(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is not writing while it cleans up
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or a nonsense id): leave its file alone
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """True for a process that has died but not yet been reaped (a killed worker whose parent
    has not looked yet): it answers signals but will never finish its file. Linux only."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    # "pid (comm) state ...": comm may hold spaces and parentheses, so split at the last ")".
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"
