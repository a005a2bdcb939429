"""Atomic file writing: a reader sees the old file or the whole new one, never a part."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import write_failed

#: Errors of a write that the disk, not the program, refused (reported as OutputError).
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, encoding: str = "utf-8", newline: str | None = None,
                  binary: bool = False) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success fsync and rename it over ``path``.

    ``binary`` opens it for bytes (an Excel workbook); ``encoding`` and ``newline`` are then
    not used.

    If the body raises, the temporary file is removed and ``path`` is left untouched. The
    file gets the permissions a plain ``open`` would give it (the umask's, or those of the
    file it replaces), not the owner-only ones of a temporary file. A disk that is full,
    read-only or failing is an :class:`~plannlp.errors.OutputError` naming ``path``.

    ``path`` naming a device or a pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is written
    directly: it cannot be replaced by renaming, and must not be.
    """
    target = Path(path)
    if _is_device_or_pipe(target):
        with _direct_writer(target, encoding=encoding, newline=newline, binary=binary) as handle:
            yield handle
        return
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    except OSError as e:
        raise write_failed(target, e) from e
    handle = None
    try:
        os.fchmod(fd, _permissions_for(target))
        handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        try:
            yield handle
        except OSError as e:  # a write in the body: the disk's refusal, or the caller's own error
            if e.errno in WRITE_ERRNOS:
                raise write_failed(target, e) from e
            raise
        _finish(handle, target)
        _rename(tmp_name, target)
    except BaseException:
        _discard(handle, fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _finish(handle: IO, target: Path) -> None:
    """Flush, fsync and close: where a full disk usually shows."""
    try:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
    except OSError as e:
        raise write_failed(target, e) from e


def _rename(tmp_name: str, target: Path) -> None:
    try:
        os.replace(tmp_name, target)
    except OSError as e:
        raise write_failed(target, e) from e


def _discard(handle: IO | None, fd: int) -> None:
    """Close the temporary file after a failure (what it still buffers is lost anyway)."""
    with contextlib.suppress(OSError):
        if handle is not None:
            handle.close()
        else:
            os.close(fd)


@contextlib.contextmanager
def _direct_writer(target: Path, *, encoding: str, newline: str | None, binary: bool) -> Iterator[IO]:
    try:
        handle = open(target, "wb") if binary else open(target, "w", encoding=encoding, newline=newline)  # noqa: SIM115
    except OSError as e:
        raise write_failed(target, e) from e
    try:
        try:
            yield handle
        except OSError as e:
            if e.errno in WRITE_ERRNOS:
                raise write_failed(target, e) from e
            raise
        try:
            handle.flush()
        except OSError as e:
            raise write_failed(target, e) from e
    finally:
        with contextlib.suppress(OSError):  # the data is lost already; the error says so
            handle.close()


def _is_device_or_pipe(target: Path) -> bool:
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISBLK(mode)


def _permissions_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
