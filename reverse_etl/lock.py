"""One push at a time per warehouse, released by the server or the kernel if the process dies.

A DuckDB warehouse: an flock on a file beside it. A PostgreSQL warehouse: a session advisory lock, which also keeps
two machines apart; the holder's session is named `crm_sync push (host, pid)` so the second can say who it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.config import WarehouseLocation, as_location
from reverse_etl.warehouse import connect


class PushLocked(RuntimeError):
    """Another push or sync holds the warehouse's lock."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.push.lock")


@contextmanager
def exclusive(warehouse: Path | WarehouseLocation | None = None) -> Iterator[None]:
    """Hold the push lock of this warehouse (the configured one by default), or raise PushLocked naming the
    process that holds it."""
    location = as_location(warehouse)
    if location.path is not None:
        with _file_lock(location.path):
            yield
    else:
        with _advisory_lock(location):
            yield


@contextmanager
def _file_lock(warehouse: Path) -> Iterator[None]:
    """The file is never removed: unlinking a lock file lets a third process lock a new inode while the second
    still holds the old one."""
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
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def advisory_key(location: WarehouseLocation) -> tuple[int, int]:
    """The two-int advisory lock key of this warehouse's push: one per schema of models in a database."""
    digest = hashlib.sha256(f"crm_sync push {location.schema}".encode()).digest()
    return int.from_bytes(digest[:4]) & 0x7FFFFFFF, int.from_bytes(digest[4:8]) & 0x7FFFFFFF


@contextmanager
def _advisory_lock(location: WarehouseLocation) -> Iterator[None]:
    """Held on a connection of its own for the whole push: a session lock ends with the session, so a killed
    process (or a lost machine, once the server notices) lets go."""
    me = f"crm_sync push ({socket.gethostname()}, pid {os.getpid()})"
    con = connect(location, application=me)
    try:
        key = advisory_key(location)
        with con.cursor() as cursor:
            cursor.execute("select pg_try_advisory_lock(%s, %s)", key)
            if not cursor.fetchone()[0]:
                cursor.execute(
                    "select a.application_name, a.client_addr, a.pid, a.backend_start from pg_locks as l "
                    "join pg_stat_activity as a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
                    "and l.classid = %s::oid and l.objid = %s::oid and l.objsubid = 2",
                    key,
                )
                holder = cursor.fetchone()
                who = (
                    f"{holder[0] or 'a session'} from {holder[1] or 'local'}, server pid {holder[2]}, "
                    f"since {holder[3]:%Y-%m-%d %H:%M:%S %Z}"
                    if holder
                    else "a session this user cannot see"
                )
                raise PushLocked(
                    f"another push or sync is running against {location} (schema {location.schema}): {who}"
                )
        yield
    finally:
        con.close()  # ends the session, and with it the lock
