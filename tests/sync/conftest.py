"""A whole product against one sandbox: `python -m reverse_etl sync` as a user runs it, and ways to look at the
result (the systems through their own APIs, the warehouse read-only)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from connectors.config import SYSTEMS, WarehouseLocation, client_for, warehouse_location
from ingest.entities import entities_of
from reverse_etl.warehouse import Warehouse
from reverse_etl.writers import Writer, writer_for
from tests.helpers.dbt_parse import WAREHOUSE, start_from_parse
from tests.helpers.sandbox import RunningSandbox, running_sandbox

ROOT = Path(__file__).resolve().parents[2]
# Server-set or system-assigned values differ between two runs that wrote the same data: ids, times, versions.
VOLATILE = re.compile(r"(id|time|at|timestamp|created|modified|offset|_by|__metadata|uri|code|number|division)$", re.I)


@dataclass
class SyncWorld:
    sandbox: RunningSandbox
    env: dict[str, str]
    warehouse: Path  # the DuckDB file; with a PostgreSQL warehouse, where none may be written
    project_dir: Path = ROOT  # the checkout whose code and dbt project `python -m reverse_etl` runs
    runs: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        """The world's folder: the working directory of its commands (a DuckDB warehouse is `warehouse.duckdb` in
        it, tests/helpers/dbt_parse.py says why)."""
        return self.warehouse.parent

    def command_env(self) -> dict[str, str]:
        """The environment of the world's commands: its settings, and the checkout's code first."""
        return self.env if self.project_dir == ROOT else {**self.env, "PYTHONPATH": str(self.project_dir)}

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """`python -m reverse_etl <args>` in its own process, as a user runs it; fails the test on a crash."""
        result = subprocess.run(
            [sys.executable, "-m", "reverse_etl", *args],
            cwd=self.folder,
            env=self.command_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.runs.append(result)
        return result

    def sync(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A sync that must succeed; the rest of the data tests run at its end unless `--guard-tests-only` is given
        (a world's syncs before its last that writes: the suite is tested whole on the state the tests read)."""
        result = self.run("sync", "--max-rounds", "10", *args)
        assert result.returncode == 0, f"sync failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        return result

    @property
    def location(self) -> WarehouseLocation:
        """The warehouse the world's syncs use (CRM_SYNC_WAREHOUSE in its environment; a path is in the world's
        folder)."""
        with patched_environ(self.env):
            location = warehouse_location()
        return location if location.path is None else replace(location, path=self.folder / location.path)

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Rows of a query on the warehouse, `?` parameters, models unqualified (closed at once: the next sync
        needs a DuckDB file)."""
        with Warehouse(self.location) as store:
            if self.location.is_postgres:
                store.execute(f"set search_path to {store.models}")
            return store.query(sql, params)

    def writes(self) -> int:
        """Write calls (POST/PUT/PATCH/DELETE) the six systems have answered so far."""
        stats = self.sandbox.admin("GET", "/stats")["systems"]
        return sum(stats[s]["writes"] for s in SYSTEMS)

    @contextmanager
    def client(self, system: str) -> Iterator[Any]:
        with patched_environ(self.env), client_for(system) as c:
            yield c

    @contextmanager
    def writer(self, system: str) -> Iterator[Writer]:
        """Changes records the way the push does (its `.client` reads)."""
        with self.client(system) as c:
            yield writer_for(system, c)

    def api_entity(self, system: str, table: str) -> str:
        return next(e.path for e in entities_of(system) if e.table == table)

    def state(self) -> dict[str, Counter[str]]:
        """What every system holds, record by record without its ids and server-set values: two runs that wrote
        the same data have equal states."""
        state: dict[str, Counter[str]] = {}
        for system in SYSTEMS:
            with self.client(system) as c:
                for entity in entities_of(system):
                    records = [r for page in c.pages(entity.path) for r in page]
                    state[f"{system}.{entity.table}"] = Counter(json.dumps(stable(r), sort_keys=True) for r in records)
        return state


def value_at(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of an API record (`Account_Name.id`), None where a part is missing."""
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None  # type: ignore[assignment]
    return record


# Phone fields: one number in several spellings ("+31 6 44290194", "0031 644290194") is one value; which spelling
# reaches a record first depends on the order of the pushes, not on what the systems agree on.
PHONE = re.compile(r"(phone|mobile|telephone)$", re.I)


def phone_digits(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    digits = re.sub(r"\D", "", value)
    return digits[2:] if digits.startswith("00") else digits


def stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: phone_digits(v) if PHONE.search(k) else stable(v) for k, v in value.items() if not VOLATILE.search(k)
        }
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


@contextmanager
def patched_environ(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def sync_world(data_dir: Path, *, records: int, seed: int, warehouse: str | None = None) -> Iterator[SyncWorld]:
    """A seeded sandbox (rate limits and client pacing off: these tests are about correctness, the benchmarks
    measure speed at the real limits) and a fresh warehouse: a DuckDB file in `data_dir`, or the empty PostgreSQL
    database at the URL `warehouse`."""
    with running_sandbox(data_dir / "sandbox", records=records, seed=seed) as sandbox:
        env = {
            **os.environ,
            "SANDBOX_PORT": sandbox.base_url.rsplit(":", 1)[1],
            "CRM_SYNC_WAREHOUSE": warehouse or WAREHOUSE,
            "CRM_SYNC_PIPELINES_DIR": str(data_dir / "pipelines"),
            # dbt's own files per world: tests run side by side (pytest -n), each with its own parse cache.
            "DBT_TARGET_PATH": str(data_dir / "target"),
            "DBT_LOG_PATH": str(data_dir / "logs"),
            "DO_NOT_TRACK": "1",
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "RUNTIME__LOG_LEVEL": "ERROR",  # as the project's .dlt/config.toml: the world's folder is the working one
            **{f"SOURCES__{s.upper()}__REQUESTS_PER_SECOND": "0" for s in SYSTEMS},
        }
        if warehouse is None:
            start_from_parse(data_dir / "target")
        yield SyncWorld(sandbox, env, data_dir / WAREHOUSE)
