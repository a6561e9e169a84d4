"""One sandbox world through ingest → dbt build → push --dry-run on DuckDB and on PostgreSQL: the same links,
identity clusters, review rows, plan and requests. Green data tests on each alone would not show a weaker
comparison on one of them (issue #18: 57 links missing on PostgreSQL, every data test still passing)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dbt.cli.main import dbtRunner

from connectors.config import SYSTEMS, WarehouseLocation, dbt_environment
from ingest.pipeline import ingest
from reverse_etl.push import push
from reverse_etl.warehouse import Warehouse
from sync.rounds import dbt_build
from tests.helpers.dbt_parse import WAREHOUSE, start_from_parse
from tests.helpers.postgres import PostgresServer
from tests.helpers.sandbox import running_sandbox
from tests.sync.conftest import ROOT, patched_environ

# Two ingests and two builds in one fixture: over the default per-test timeout on a loaded machine.
pytestmark = [pytest.mark.slow(syncs=2), pytest.mark.timeout(1200)]

RECORDS = 30  # per entity: small, so the PostgreSQL run keeps `make test` short
# The models compared, besides every link_<flow> table. Times (`..._at`: when a link was made, a row listed, a
# request planned) and run ids differ between two runs by construction and are left out.
MODELS = ("identity_clusters", "link_review", "sync_plan")

Snapshot = dict[str, list[tuple[Any, ...]]]


def comparable(value: Any) -> Any:
    """One value as both engines' drivers can agree on it: floats to 9 places, decimals and dates as text."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, Decimal | date | datetime):
        return str(value.normalize() if isinstance(value, Decimal) else value)
    return value


def rows(store: Warehouse, relation: str) -> list[tuple[Any, ...]]:
    found = store.query(f"select * from {relation}")
    return sorted(
        (
            tuple((k, comparable(v)) for k, v in sorted(row.items()) if not (k.endswith("_at") or k == "run_id"))
            for row in found
        ),
        key=repr,
    )


def world(setting: str, folder: Path, sandbox_port: str) -> Snapshot:
    """The world read from the sandbox into one warehouse, built and planned, and what the warehouse then holds."""
    env = {
        "CRM_SYNC_WAREHOUSE": setting,
        "SANDBOX_PORT": sandbox_port,
        "CRM_SYNC_PIPELINES_DIR": str(folder / "pipelines"),
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
    }
    folder.mkdir(exist_ok=True)
    if setting == WAREHOUSE:
        start_from_parse(folder / "target")
    # Run from the world's folder: a warehouse file written by mistake (the default path) would land there.
    with patched_environ(env), contextlib.chdir(folder):
        read = ingest(SYSTEMS, full_refresh=True)
        assert [r.error for r in read if r.error] == []
        build = dbt_build()
        assert build.ok, build.failures
        report = push(SYSTEMS, dry_run=True)
        assert [s.error for s in report.systems if s.error] == []
        with Warehouse() as store:
            links = [f"link_{f['flow_name']}" for f in store.flows()]
            snapshot = {name: rows(store, f"{store.models}.{name}") for name in (*links, *MODELS)}
            snapshot["dry_run_requests"] = rows(store, "reverse_etl.dry_run_requests")
    return snapshot


@pytest.fixture(scope="module")
def snapshots(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Snapshot]]:
    folder = tmp_path_factory.mktemp("comparison")
    with running_sandbox(folder / "sandbox", records=RECORDS, seed=18) as sandbox:
        port = sandbox.base_url.rsplit(":", 1)[1]
        yield {
            "duckdb": world(WAREHOUSE, folder / "duckdb", port),
            "postgres": world(postgres.create_database("comparison"), folder / "postgres", port),
        }
        assert not list((folder / "postgres").rglob("*.duckdb")), "the PostgreSQL run wrote a DuckDB file"


def test_the_world_is_not_empty(snapshots: dict[str, Snapshot]) -> None:
    """The comparison compares something: links in several flows, clusters, a plan."""
    duck = snapshots["duckdb"]
    assert sum(1 for name, found in duck.items() if name.startswith("link_") and found) >= 5
    assert duck["identity_clusters"] and duck["sync_plan"] and duck["dry_run_requests"]


@pytest.mark.parametrize("name", [*MODELS, "dry_run_requests", "links"])
def test_postgres_gives_what_duckdb_gives(snapshots: dict[str, Snapshot], name: str) -> None:
    duck, pg = snapshots["duckdb"], snapshots["postgres"]
    names = [n for n in duck if n.startswith("link_") and n != "link_review"] if name == "links" else [name]
    assert sorted(duck) == sorted(pg)
    for each in names:
        missing = [r for r in duck[each] if r not in pg[each]]
        added = [r for r in pg[each] if r not in duck[each]]
        assert (missing, added) == ([], []), f"{each}: {len(missing)} rows only on DuckDB, {len(added)} only on PG"


def test_unit_tests_pass_on_postgres(snapshots: dict[str, Snapshot], postgres: PostgresServer, tmp_path: Path) -> None:
    """dbt's unit tests on PostgreSQL too (the sync's builds leave them out): fixtures whose SQL only DuckDB takes,
    or names over 63 characters, fail here."""
    location = WarehouseLocation(url=postgres.url("comparison"), schema="crm_sync")
    args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target-path", str(tmp_path / "target")]
    with dbt_environment(location), patched_environ({"DBT_LOG_PATH": str(tmp_path / "logs")}):
        run = dbtRunner().invoke(["test", "--select", "test_type:unit", "--quiet", *args])
    assert run.success, run.exception or [(r.node.name, r.message) for r in run.result if r.status != "pass"]
