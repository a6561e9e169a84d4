"""Run each system's source into the warehouse, one system after another, and count what changed.

The warehouse is the configured one (CRM_SYNC_WAREHOUSE: a DuckDB file or a PostgreSQL database). DuckDB has one
writer, so systems load in turn; one system failing (down, wrong credentials) is reported with
its system, entity and HTTP status and does not stop the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import dlt
from dlt.common.normalizers.naming.snake_case import NamingConvention

from connectors.base import describe
from connectors.config import SYSTEMS, WarehouseLocation, as_location, client_for, pipelines_dir
from ingest.entities import entities_of
from ingest.entity import Entity
from ingest.resources import Progress, system_source

NAMING = NamingConvention()
FULL_SCAN_EVERY = timedelta(hours=24)


@dataclass
class EntityCounts:
    table: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    deleted: int = 0


@dataclass
class SystemResult:
    system: str
    entities: list[EntityCounts] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    calls: int = 0


class RawDataset:
    """Reads of one system's raw dataset (row counts, ids) through the pipeline's own SQL client. Each read opens
    the destination client once: dlt resolves its configuration on every open, which costs more than the query."""

    def __init__(self, pipeline: dlt.Pipeline) -> None:
        self.pipeline = pipeline
        self.dataset = pipeline.dataset_name

    def _query(self, sql: str) -> list[tuple[object, ...]]:
        try:
            with self.pipeline.sql_client() as client, client.execute_query(sql) as cursor:
                return list(cursor.fetchall())
        except Exception as exc:  # a table that does not exist yet reads as empty
            if "does not exist" in str(exc) or "Catalog Error" in str(exc):
                return []
            raise

    def _present(self, tables: Iterable[str]) -> set[str]:
        """Those of the tables the dataset holds already."""
        names = ", ".join(f"'{t}'" for t in tables)
        sql = f"select table_name from information_schema.tables where table_schema = '{self.dataset}'"
        return {str(row[0]) for row in self._query(f"{sql} and table_name in ({names})")}

    def counts(self, tables: Iterable[str], load_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Rows per table (0 for one not created yet), or only those written by the given loads: one count query
        for all of them."""
        tables = list(tables)
        where = ""
        if load_ids is not None:
            ids = ", ".join(f"'{i}'" for i in load_ids)
            if not ids:
                return dict.fromkeys(tables, 0)
            where = f" where _dlt_load_id in ({ids})"
        present = self._present(tables)
        counted = " union all ".join(
            f'select \'{t}\', count(*) from "{self.dataset}"."{t}"{where}' for t in tables if t in present
        )
        found = {str(t): int(n) for t, n in self._query(counted)} if counted else {}  # type: ignore[call-overload]
        return {t: found.get(t, 0) for t in tables}

    def live_ids(self, entity: Entity) -> set[str]:
        key = NAMING.normalize_identifier(entity.primary_key)
        deleted = f"{entity.table}_deleted"
        sql = f'select cast("{key}" as varchar) from "{self.dataset}"."{entity.table}"'
        if self._present([deleted]):
            sql += f' where cast("{key}" as varchar) not in (select id from "{self.dataset}"."{deleted}")'
        return {str(row[0]) for row in self._query(sql)}


def destination(location: WarehouseLocation) -> tuple[Any, str | None]:
    """dlt's destination for the warehouse and the file format it loads fastest without extra packages (parquet on
    PostgreSQL would need adbc-driver-postgresql; its own format, insert statements, needs nothing)."""
    if location.url is not None:
        from dlt.destinations.impl.postgres.configuration import PostgresCredentials  # a DuckDB run needs none

        credentials = PostgresCredentials(location.url)
        # dlt insists on a password; libpq's own sources (PGPASSWORD, ~/.pgpass, trust) may be where it is.
        credentials.password = credentials.password or os.environ.get("PGPASSWORD", "")
        credentials.session_timezone = "UTC"  # as the push and dbt: naive timestamps are UTC
        return dlt.destinations.postgres(credentials=credentials), None
    return dlt.destinations.duckdb(str(location.path)), "parquet"


def ingest_system(
    system: str,
    *,
    full_refresh: bool,
    progress: Progress,
    warehouse: Path | WarehouseLocation | None = None,
    tables: Iterable[str] | None = None,
) -> SystemResult:
    started = time.perf_counter()
    result = SystemResult(system)
    client = None
    try:
        client = client_for(system)
        to, file_format = destination(as_location(warehouse))
        pipeline = dlt.pipeline(
            pipeline_name=f"crm_sync_{system}",
            destination=to,
            dataset_name=f"raw_{system}",
            pipelines_dir=str(pipelines_dir()),
        )
        store = RawDataset(pipeline)
        entities = tuple(e for e in entities_of(system) if tables is None or e.table in tables)
        tables = [t for e in entities for t in (e.table, f"{e.table}_deleted")]
        before = store.counts(tables)
        source, _ = system_source(
            client,
            entities,
            full_refresh=full_refresh,
            full_scan_every=FULL_SCAN_EVERY,
            progress=progress,
            known_ids=store.live_ids,
            # Each API's largest page unless configured smaller (sources.page_size / SOURCES__PAGE_SIZE).
            page_size=dlt.config.get("sources.page_size", int),
        )
        # Records first: a scan's deletions are only known once every page has been read (the ids the warehouse
        # held before, not seen in a complete scan). Two extracts, then one normalize and one load of both.
        for names in ([e.table for e in entities], [f"{e.table}_deleted" for e in entities]):
            pipeline.extract(source.with_resources(*names), loader_file_format=file_format)
        pipeline.normalize()
        loaded = pipeline.load()
        after = store.counts(tables)
        changed = store.counts([e.table for e in entities], loaded.loads_ids)
        for e in entities:
            new = after[e.table] - before[e.table]
            result.entities.append(
                EntityCounts(
                    e.table,
                    rows=after[e.table],
                    new=new,
                    changed=changed[e.table] - new,
                    # Feeds repeat their boundary rows; only ids not known deleted before count.
                    deleted=after[f"{e.table}_deleted"] - before[f"{e.table}_deleted"],
                )
            )
    except Exception as exc:
        result.error = describe(exc)
    finally:
        if client is not None:
            result.calls = client.calls
            client.close()
        result.seconds = time.perf_counter() - started
    return result


def ingest(
    systems: Iterable[str] = SYSTEMS,
    *,
    full_refresh: bool = False,
    progress: Progress | None = None,
    warehouse: Path | WarehouseLocation | None = None,
) -> list[SystemResult]:
    return [
        ingest_system(s, full_refresh=full_refresh, progress=progress or (lambda label, n: None), warehouse=warehouse)
        for s in systems
    ]
