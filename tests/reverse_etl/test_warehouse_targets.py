"""The push's warehouse layer on both targets: the same calls keep the same records in a DuckDB file and in a
PostgreSQL database, and two pushes against one PostgreSQL warehouse (two machines) cannot both run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from connectors.config import WarehouseLocation, warehouse_location
from reverse_etl.lock import PushLocked, exclusive
from reverse_etl.warehouse import CreatedLink, Intent, Outcome, Warehouse
from tests.helpers.postgres import PostgresServer

HOLD = """
import time
from reverse_etl.lock import exclusive
with exclusive():
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture(params=["duckdb", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> WarehouseLocation:
    if request.param == "duckdb":
        return WarehouseLocation(path=tmp_path / "warehouse.duckdb")
    server: PostgresServer = request.getfixturevalue("postgres")
    return WarehouseLocation(url=server.create_database(tmp_path.name.lower()), schema="crm_sync")


def test_the_push_records_read_back_the_same_on_both(location: WarehouseLocation) -> None:
    started = datetime(2026, 12, 7, 10, 0)
    intent = Intent("create:3:s1", "r1", "zohocrm", "accounts", 3, "s1", '{"Name": "Fjord 100%?"}', "h1", started)
    with Warehouse(location) as store:
        store.ensure_schema()
        store.ensure_schema()  # twice: a warehouse made before changes nothing
        store.start_run("r1", dry_run=False, systems=["zohocrm"], planned_at=started)
        store.record_intents([intent])
        assert store.pending_intents("zohocrm", "accounts") == {"create:3:s1": [intent]}
        outcome = Outcome("r1", "create:3:s1", "create", "zohocrm", "accounts", "z9", 3, "s1", "created")
        link = CreatedLink(3, "s1", "z9", started + timedelta(seconds=1))
        store.record_outcomes([outcome], [link], [("create:3:s1", "done", "z9")])
        assert store.pending_intents("zohocrm", "accounts") == {}
        assert store.created_targets([3]) == {(3, "s1"): "z9"}
        with pytest.raises(RuntimeError), store.transaction():
            store.execute(
                "insert into reverse_etl.push_intents (plan_key, system, entity, status) values (?, ?, ?, 'pending')",
                ("create:3:s2", "zohocrm", "accounts"),
            )
            raise RuntimeError("killed in the middle")
        assert store.pending_intents("zohocrm", "accounts") == {}, "the rolled back intent was kept"
        store.finish_run("r1", "done", {"created": 1}, None)
        run = store.run("r1")
        assert run is not None and (run["status"], run["created"], run["dry_run"]) == ("done", 1, False)
        assert store.exists("push_runs", "reverse_etl") and not store.exists("sync_plan")


@pytest.fixture
def postgres_warehouse(postgres: PostgresServer, tmp_path: Path) -> Iterator[str]:
    url = postgres.create_database(tmp_path.name.lower())
    saved = os.environ.get("CRM_SYNC_WAREHOUSE")
    os.environ["CRM_SYNC_WAREHOUSE"] = url
    yield url
    if saved is None:
        del os.environ["CRM_SYNC_WAREHOUSE"]
    else:
        os.environ["CRM_SYNC_WAREHOUSE"] = saved


def test_a_second_push_against_one_postgres_names_the_first(postgres_warehouse: str) -> None:
    """A session advisory lock: the second push stops and names the first (host and pid); the lock ends with the
    first process, killed or not."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()}
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(PushLocked) as refused, exclusive():
            pass
        assert f"crm_sync push ({socket.gethostname()}, pid {holder.pid})" in str(refused.value)
        assert "postgresql://" in str(refused.value) and "crm_sync" in str(refused.value)
    finally:
        holder.kill()
        holder.wait()
    with exclusive(), pytest.raises(PushLocked, match=f"pid {os.getpid()}"), exclusive():
        pass


def test_another_schema_is_another_warehouse(postgres_warehouse: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installations in one database (CRM_SYNC_SCHEMA) push independently."""
    with exclusive():
        monkeypatch.setenv("CRM_SYNC_SCHEMA", "crm_sync_test")
        assert warehouse_location().schema == "crm_sync_test"
        with exclusive():
            pass
