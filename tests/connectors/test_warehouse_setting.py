"""One setting names the warehouse (CRM_SYNC_WAREHOUSE): a DuckDB path or a PostgreSQL URL, read the same way by
ingest, dbt (the variables profiles.yml reads) and the push; messages never show the password."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.config import ConfigurationError, dbt_environment, warehouse_location, warehouse_path


def test_default_is_a_duckdb_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_SYNC_WAREHOUSE", raising=False)
    monkeypatch.delenv("DBT_DUCKDB_PATH", raising=False)
    location = warehouse_location()
    assert (location.path, location.url, location.schema) == (Path("warehouse.duckdb"), None, "main")
    monkeypatch.setenv("DBT_DUCKDB_PATH", "old.duckdb")  # the older name still works
    assert warehouse_path() == Path("old.duckdb")
    monkeypatch.setenv("CRM_SYNC_WAREHOUSE", "new.duckdb")  # and the new one wins
    assert warehouse_path() == Path("new.duckdb")


def test_a_postgres_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SYNC_WAREHOUSE", "postgresql://sync%40crm:s3cr%2Ft@db.example.com:6432/analytics")
    monkeypatch.delenv("CRM_SYNC_SCHEMA", raising=False)
    location = warehouse_location()
    assert location.is_postgres and location.schema == "crm_sync"
    assert str(location) == "postgresql://sync%40crm@db.example.com:6432/analytics"
    assert "s3cr" not in repr(location)
    env = location.dbt_env()
    assert (env["PGHOST"], env["PGPORT"], env["PGDATABASE"]) == ("db.example.com", "6432", "analytics")
    assert (env["PGUSER"], env["PGPASSWORD"], env["CRM_SYNC_SCHEMA"]) == ("sync@crm", "s3cr/t", "crm_sync")
    with pytest.raises(ConfigurationError, match="not a DuckDB file"):
        warehouse_path()


def test_dbt_environment_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SYNC_WAREHOUSE", "postgresql://u@h/d")
    monkeypatch.delenv("PGHOST", raising=False)
    with dbt_environment(warehouse_location()):
        assert os.environ["PGHOST"] == "h" and os.environ["PGTZ"] == "UTC"
    assert "PGHOST" not in os.environ and os.environ["CRM_SYNC_WAREHOUSE"] == "postgresql://u@h/d"


def test_another_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SYNC_WAREHOUSE", "snowflake://account/db")
    with pytest.raises(ConfigurationError, match="postgresql:// URL"):
        warehouse_location()
