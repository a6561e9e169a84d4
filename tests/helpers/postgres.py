"""A real PostgreSQL server for the tests: Debian's, started on 127.0.0.1 at a free port in a scratch directory.

initdb refuses to run as root: as root the server runs as the `postgres` user (the package creates it). Without
a server installed the tests that need one skip with how to install it, except in CI (CI=true), where that is a
failure: the Postgres target must be tested there.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

INSTALL_HINT = (
    "PostgreSQL is not installed: `sudo apt-get install postgresql` (Debian/Ubuntu; initdb and pg_ctl are then in "
    "/usr/lib/postgresql/<version>/bin), or put a directory holding initdb and pg_ctl on PATH"
)


def server_binaries() -> Path | None:
    """The directory of initdb and pg_ctl: PATH first, else Debian's per-version directories (newest first)."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def missing(reason: str) -> None:
    """Skip (with how to install) outside CI; fail in CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must test the PostgreSQL target: {reason}")
    pytest.skip(reason)


@dataclass
class PostgresServer:
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        con = psycopg2.connect(self.url())
        con.autocommit = True
        with con.cursor() as cursor:
            cursor.execute(f'create database "{name}"')
        con.close()
        return self.url(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A server for the test session, stopped (and its files removed) after it."""
    binaries = server_binaries()
    if binaries is None:
        missing(INSTALL_HINT)
    assert binaries is not None
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root, and there is no `postgres` user to run PostgreSQL as (initdb refuses root)")
        as_user = ["runuser", "-u", "postgres", "--"]
    # Not under pytest's tmp_path: its parents are private to the user running the tests.
    folder = Path(tempfile.mkdtemp(prefix="crm_sync_pg_"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = _free_port()
    pg_ctl = [*as_user, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run([*as_user, *initdb, "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        started = subprocess.run([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"], capture_output=True)
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {log.read_text()[-2000:]}")
        yield PostgresServer(port)
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
