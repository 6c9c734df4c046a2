"""Writing outputs so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from tailor.pipeline.errors import InputError, UsageError

# ".NAME.PID.RANDOM.part": the writer's process id says whether a leftover is still being written.
_PART = re.compile(r"^\..+\.(\d+)\.[^.]+\.part$")


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def check_output_target(path: str | Path, inputs: Sequence[tuple[str, str | Path]] = ()) -> None:
    """Refuse, before any work, an output that is not a regular file or is one of the run's ``inputs``
    ((what, path) pairs): tailor only ever replaces regular files, and never its own inputs."""
    try:
        info = os.stat(path)  # through links: a link to /dev/null is a device
    except FileNotFoundError:
        return  # a new file
    except OSError as error:
        raise UsageError(f"{path}: cannot use it as the output ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((f"is {name}" for test, name in _KINDS if test(info.st_mode)), "is not a regular file")
        raise UsageError(f"{path}: {kind}; tailor writes its output only to a regular file")
    for what, source in inputs:
        try:
            same = os.path.samefile(path, source)
        except OSError:
            continue
        if same:
            raise UsageError(f"{path}: is the {what} this run reads; choose another output file")


def write_atomically(path: str | Path, text: str | bytes, *, new_mode: int = 0o666) -> None:
    """Write ``text`` (or bytes) to a temporary file beside ``path``, then rename it into place.

    Nothing is read from the target, and only a regular file (or nothing) is ever replaced: a
    device, FIFO or socket there is refused. An existing file keeps its permission bits; a new
    one gets ``new_mode`` filtered by the umask (0o666: as ``open`` would; 0o600 for a private file).
    """
    target = Path(path)
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            existing = os.stat(target)
        except FileNotFoundError:
            existing = None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            check_output_target(target)  # raises: says what it is
        temporary, fd = _create_beside(target, new_mode)
        if existing is not None:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
        # No fsync: the rename already means a crash of tailor never leaves half a file, and
        # fsync would add ~4-8 ms a file (minutes over a large batch) for power-loss durability.
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{target}: cannot write the output ({error.strerror or error})") from None


def _create_beside(target: Path, mode: int) -> tuple[str, int]:
    """A new temporary file ``.NAME.PID.RANDOM.part`` in the target's folder: (its path, an open fd)."""
    for _ in range(100):
        name = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
        try:
            # ``mode`` filtered by the umask, like any new file; O_EXCL|O_NOFOLLOW: never someone else's file.
            return str(name), os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def write_output(path: str | Path, data: str | bytes) -> None:
    """The tailored resume to ``path``: atomically, never reading what is there (see ``write_atomically``)."""
    write_atomically(path, data)


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
