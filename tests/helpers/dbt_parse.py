"""dbt's parse of the project, once per test worker, for every DuckDB world to start from.

dbt keeps a parse (target/partial_parse.msgpack) only while the profile and the command-line vars are the ones it
was made with, and the profile holds the warehouse's path: a world whose warehouse is `warehouse.duckdb` in its own
working directory (CRM_SYNC_WAREHOUSE relative, as a user's default is) can start from one parse made the same way
elsewhere. A full parse of the project costs about 12 s of CPU, a partial one about 2 s; the suite has a dozen worlds.
A parse dbt cannot use is redone by dbt in full, so a stale one costs time, never a wrong result.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from dbt.adapters.duckdb.connections import DuckDBConnectionManager

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = "warehouse.duckdb"  # relative: the world's folder is the working directory of everything run in it
SYNC_VARS = '{"switched_off": []}'  # what sync.rounds.dbt_vars() passes while no system is switched off
PARSE_FILE = "partial_parse.msgpack"


@functools.cache
def _parse(vars: str | None) -> bytes | None:
    folder = Path(tempfile.mkdtemp(prefix="dbt-parse-"))
    env = {
        **os.environ,
        "CRM_SYNC_WAREHOUSE": WAREHOUSE,
        "CRM_SYNC_SCHEMA": "main",
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
        "DO_NOT_TRACK": "1",
    }
    env.pop("DBT_DUCKDB_PATH", None)
    project = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), *(["--vars", vars] if vars else []), "--quiet"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "parse", *project], cwd=folder, env=env, check=False
    )
    parsed = folder / "target" / PARSE_FILE
    made = parsed.read_bytes() if done.returncode == 0 and parsed.exists() else None
    shutil.rmtree(folder, ignore_errors=True)
    return made


def start_from_parse(target: Path, vars: str | None = SYNC_VARS) -> None:
    """Put the worker's parse (made with these --vars; None: no --vars) into a dbt target folder not used yet. And
    let go of the database dbt-duckdb holds open in this process: it keeps it for every later run while the profile
    is the same, and the same relative path names another file in the next folder."""
    DuckDBConnectionManager.close_all_connections()
    parsed = _parse(vars)
    if parsed is not None and not (target / PARSE_FILE).exists():
        target.mkdir(parents=True, exist_ok=True)
        (target / PARSE_FILE).write_bytes(parsed)


def run_in(monkeypatch: pytest.MonkeyPatch, folder: Path, vars: str | None = None) -> Path:
    """Run the product and dbt in `folder` (created if missing), on the DuckDB warehouse `warehouse.duckdb` in it,
    dbt starting from the worker's parse made with these --vars when its target is `folder`/target. The
    warehouse's absolute path, for reading it."""
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DBT_DUCKDB_PATH", raising=False)
    monkeypatch.setenv("CRM_SYNC_WAREHOUSE", WAREHOUSE)
    start_from_parse(folder / "target", vars)
    return folder / WAREHOUSE
