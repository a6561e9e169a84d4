"""The hooks of every model and seed (macros/warehouse_session.sql): on PostgreSQL each table is analysed as soon
as it is built and each model is planned without nested loops or JIT; on DuckDB both are empty (issue #18: the
PostgreSQL build was quadratic through nested loops over CTEs estimated at one row)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg2
import pytest
from dbt.cli.main import dbtRunner

from connectors.config import WarehouseLocation, dbt_environment
from tests.helpers.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]

# A join of two CTE scans filtered on three equalities: the planner, which has no statistics for a CTE, guesses
# one row a side, where there are 2,000 (as in the matching's EM and the sync plan).
MISESTIMATED = """
explain
with numbers as materialized (select g, g % 2 as a, g % 3 as b, g % 5 as c from generate_series(1, 60000) as g)
select count(*) from numbers as x join numbers as y on y.g = x.g + 1
where x.a = 0 and x.b = 0 and x.c = 0 and y.a = 1 and y.b = 1 and y.c = 1
"""


def invoke(location: WarehouseLocation, folder: Path, *args: str) -> list:
    paths = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target-path", str(folder / "target")]
    with dbt_environment(location):
        os.environ["DBT_LOG_PATH"] = str(folder / "logs")
        result = dbtRunner().invoke([*args, "--quiet", *paths])
    assert result.success, result.exception or result.result
    return list(result.result or [])


def hooks_sql(location: WarehouseLocation, folder: Path) -> str:
    """The pre-hook's SQL as dbt renders it for the warehouse."""
    (compiled,) = invoke(location, folder, "compile", "--inline", "{{ warehouse_session_settings() }}")
    return compiled.node.compiled_code.strip()


@pytest.fixture(scope="module")
def pg(postgres: PostgresServer) -> WarehouseLocation:
    return WarehouseLocation(url=postgres.create_database("session"), schema="crm_sync")


def test_postgres_analyses_every_table_dbt_builds(pg: WarehouseLocation, tmp_path: Path) -> None:
    invoke(pg, tmp_path, "seed", "--select", "given_name_variants")
    invoke(pg, tmp_path, "run", "--select", "int_given_name_pairs")
    assert pg.url is not None
    con = psycopg2.connect(pg.url)
    with con.cursor() as cursor:
        cursor.execute(
            "select relname from pg_stat_user_tables where schemaname = 'crm_sync' and last_analyze is not null"
        )
        analysed = {name for (name,) in cursor.fetchall()}
    con.close()
    assert {"given_name_variants", "int_given_name_pairs"} <= analysed


def test_postgres_models_join_by_hashing(pg: WarehouseLocation, tmp_path: Path) -> None:
    settings = hooks_sql(pg, tmp_path)
    assert pg.url is not None
    con = psycopg2.connect(pg.url)
    with con.cursor() as cursor:
        cursor.execute(MISESTIMATED)
        default = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute(settings)
        cursor.execute(MISESTIMATED)
        hooked = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("select current_setting('jit')")
        assert cursor.fetchone() == ("off",)
    con.rollback()  # `set local`: the settings end with the model's transaction
    with con.cursor() as cursor:
        cursor.execute("select current_setting('enable_nestloop')")
        assert cursor.fetchone() == ("on",)
    con.close()
    assert "Nested Loop" in default  # the plan the hook is there to avoid
    assert "Hash Join" in hooked and "Nested Loop" not in hooked


def test_duckdb_runs_no_hook(tmp_path: Path) -> None:
    duck = WarehouseLocation(path=tmp_path / "warehouse.duckdb")
    assert hooks_sql(duck, tmp_path) == ""
    invoke(duck, tmp_path, "seed", "--select", "given_name_variants")
    results = invoke(duck, tmp_path, "run", "--select", "int_given_name_pairs")
    assert [r.status for r in results if r.node.name == "int_given_name_pairs"] == ["success"]
