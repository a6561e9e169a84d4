"""Ingest against the real sandbox over HTTP into a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dlt.common.normalizers.naming.snake_case import NamingConvention

from connectors.config import SYSTEMS, client_for
from ingest.entities import entities_of
from ingest.pipeline import SystemResult, ingest
from tests.helpers.sandbox import RunningSandbox, running_sandbox
from tests.helpers.writing import writer
from tests.ingest.conftest import IngestPaths, point_at

NAMING = NamingConvention()

# Per system: an entity, a record to create, and a change to make, in the API's own field names.
EDITS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "zohocrm": ("Accounts", {"Account_Name": "Ingest Probe AS"}, {"Phone": "+47 22 33 44 55"}),
    "poweroffice": ("Customers", {"Name": "Ingest Probe AS", "IsPerson": False}, {"PhoneNumber": "+4722334455"}),
    "exact": ("Accounts", {"Name": "Ingest Probe BV"}, {"Phone": "+31 20 123 4567"}),
    "webcrm": ("Organisations", {"OrganisationName": "Ingest Probe ApS"}, {"OrganisationTelephone": "+45 33 12 34 56"}),
    "crmoffice": ("companies", {"name": "Ingest Probe AS"}, {"phone": "+47 22 33 44 55"}),
    "customcrm": ("customers", {"Name": "Ingest Probe AS"}, {"Phone": "+47 22 33 44 55"}),
}


def by_system(results: list[SystemResult]) -> dict[str, SystemResult]:
    return {r.system: r for r in results}


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The API record as dlt names its columns: snake_case, nested objects joined with __ (lists aside)."""
    flat: dict[str, Any] = {}
    for name, value in record.items():
        column = f"{prefix}__{NAMING.normalize_identifier(name)}" if prefix else NAMING.normalize_identifier(name)
        if isinstance(value, dict):
            flat.update(flatten(value, column))
        elif not isinstance(value, list):
            flat[column] = value
    return flat


def same(api: Any, stored: Any) -> bool:
    if api is None or api == "":
        return stored is None or stored == api
    if isinstance(stored, dt.datetime):
        return dt.datetime.fromisoformat(str(api).replace("Z", "+00:00")) == stored
    if isinstance(stored, dt.date):
        return str(api) == stored.isoformat()
    if isinstance(stored, float | Decimal) and not isinstance(api, bool):
        return float(api) == pytest.approx(float(stored))
    return bool(api == stored)


def key_column(system: str, table: str) -> str:
    entity = next(e for e in entities_of(system) if e.table == table)
    return NAMING.normalize_identifier(entity.primary_key)


def table_rows(path: Path, system: str, table: str, key: str | None = None) -> dict[str, dict[str, Any]]:
    """A raw table's rows by id (the entity's primary key unless another key column is named)."""
    key = key or key_column(system, table)
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(f'select * from "raw_{system}"."{table}"')
        names = [d[0] for d in cursor.description]
        found = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return {str(r[key]): r for r in found}


def test_a_full_load_equals_what_every_api_serves_field_for_field(warehouse: IngestPaths) -> None:
    results = by_system(ingest(SYSTEMS))
    assert {s: r.error for s, r in results.items() if r.error} == {}
    compared = 0
    for system in SYSTEMS:
        with client_for(system) as client:
            for entity in entities_of(system):
                served = [record for page in client.pages(entity.path) for record in page]
                stored = table_rows(warehouse.path, system, entity.table)
                key = key_column(system, entity.table)
                assert len(served) == len(stored) > 0, (system, entity.table)
                for record in served:
                    flat = flatten(record)
                    row = stored[str(flat[key])]
                    for column, value in flat.items():
                        assert column in row or value in (None, ""), (system, entity.table, column)
                        if column in row:
                            assert same(value, row[column]), (
                                system,
                                entity.table,
                                flat[key],
                                column,
                                value,
                                row[column],
                            )
                            compared += 1
    assert compared > 10_000


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_incremental_run_loads_exactly_the_changes(warehouse: IngestPaths, system: str) -> None:
    entity_path, create, change = EDITS[system]
    entity = next(e for e in entities_of(system) if e.path == entity_path)
    full = by_system(ingest([system]))[system]
    assert full.error is None

    stored = table_rows(warehouse.path, system, entity.table)
    edited, removed = sorted(stored)[:2]
    with writer(system) as w:
        w.update(entity_path, edited, change)
        created = w.create(entity_path, create)
        w.delete(entity_path, removed)

    again = by_system(ingest([system]))[system]
    assert again.error is None
    counts = next(c for c in again.entities if c.table == entity.table)
    assert (counts.new, counts.changed) == (1, 1)
    # Only changes were asked for: fewer calls than the full read (PowerOffice must re-read customers).
    assert again.calls <= full.calls
    after = table_rows(warehouse.path, system, entity.table)
    column, value = next(iter(flatten(change).items()))
    assert after[edited][column] == value
    assert created in after
    assert removed in after, "a deleted record stays in the raw table, marked in <table>_deleted"

    if entity.deletions == "scan" and not entity.always_full:
        assert counts.deleted == 0, "an incremental read proves no deletion"
        scanned = by_system(ingest([system], full_refresh=True))[system]
        counts = next(c for c in scanned.entities if c.table == entity.table)
    assert counts.deleted == 1
    assert removed in table_rows(warehouse.path, system, f"{entity.table}_deleted", key="id")

    quiet = by_system(ingest([system]))[system]
    assert all((c.new, c.changed, c.deleted) == (0, 0, 0) for c in quiet.entities), quiet


def test_loads_are_identical_with_a_fifth_of_calls_failing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with running_sandbox(tmp_path / "sandbox", records=60, seed=5) as sandbox:
        clean = point_at(monkeypatch, sandbox, tmp_path / "clean")
        assert not [r.error for r in ingest(SYSTEMS) if r.error]

        faulty = point_at(monkeypatch, sandbox, tmp_path / "faulty")
        monkeypatch.setenv("SOURCES__HTTP_TIMEOUT_SECONDS", "0.5")
        monkeypatch.setenv("SOURCES__PAGE_SIZE", "7")  # many small pages: many calls to fail
        for seed, system in enumerate(SYSTEMS):
            sandbox.faults(system, rate_429=0.08, rate_5xx=0.07, rate_timeout=0.05, timeout_seconds=1.5, seed=seed)
        assert not [r.error for r in ingest(SYSTEMS) if r.error]
        injected = {s: sandbox.stats(s)["injected"] for s in SYSTEMS}
        assert sum(sum(kinds.values()) for kinds in injected.values()) > 25, injected
        # Exact's sync pages hold 1,000 records whatever is asked, so it makes too few calls to count on.
        assert all(sum(kinds.values()) > 0 for s, kinds in injected.items() if s != "exact"), injected

    for system in SYSTEMS:
        for entity in entities_of(system):
            expected = table_rows(clean.path, system, entity.table)
            got = table_rows(faulty.path, system, entity.table)
            assert expected.keys() == got.keys(), (system, entity.table)
            for id, row in expected.items():
                data = {k: v for k, v in row.items() if not k.startswith("_dlt")}
                assert data == {k: v for k, v in got[id].items() if not k.startswith("_dlt")}


def test_wrong_credentials_fail_that_system_clearly_and_the_others_load(
    monkeypatch: pytest.MonkeyPatch, warehouse: IngestPaths, source_sandbox: RunningSandbox
) -> None:
    secret = "s3cret-that-must-not-leak-4711"
    for key, value in source_sandbox.credentials("exact").items():
        monkeypatch.setenv(f"SOURCES__EXACT__CREDENTIALS__{key.upper()}", secret if key == "client_secret" else value)
    results = by_system(ingest(SYSTEMS))
    error = results["exact"].error
    assert error is not None and error.startswith("exact token: HTTP 4"), error
    assert "invalid_client" in error
    assert secret not in error, "secrets never reach messages"
    assert all(r.error is None for s, r in results.items() if s != "exact")
    assert all(c.rows > 0 for s, r in results.items() if s != "exact" for c in r.entities if c.table != "departments")
