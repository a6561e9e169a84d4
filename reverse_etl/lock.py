"""One push at a time per warehouse: an flock on a file beside it, released by the kernel if the process dies."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PushLocked(RuntimeError):
    """Another push or sync holds the warehouse's lock."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.push.lock")


@contextmanager
def exclusive(warehouse: Path) -> Iterator[Path]:
    """Hold the push lock of this warehouse, or raise PushLocked naming the pid that holds it.

    The file is never removed: unlinking a lock file lets a third process lock a new inode while the second
    still holds the old one.
    """
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise PushLocked(
                f"another push or sync (pid {holder}) is running against {warehouse}; lock file {path}"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
