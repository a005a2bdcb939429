"""Housekeeping of a batch output folder: one run at a time, and no temporary files left by a
run that was killed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import UsageError

LOCK = ".plannlp-batch.lock"
#: Temporary files of plannlp's atomic writes (``.<name>.<random>.part``, ``.<name>.part.png``),
#: renamed over their target when complete; a killed writer leaves them behind.
TEMPORARY_PATTERNS = (".*.part", ".*.part.png")


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the folder's lock for a run; a second run on the same folder is refused. The
    kernel releases the lock when the process ends, even killed, so a resumed run is not."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with (out / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"Another plannlp batch run is writing to {out}.",
                             hint="Wait until it has finished, or give another output folder.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftover_temporaries(out: Path) -> int:
    """Delete the temporary files that killed runs or workers left in the folder (safe: the
    lock is held, so no other run is writing); returns how many."""
    removed = 0
    for folder in (out, out / "documents", out / "tables"):
        for pattern in TEMPORARY_PATTERNS:
            for path in folder.glob(pattern):
                path.unlink(missing_ok=True)
                removed += 1
    return removed
