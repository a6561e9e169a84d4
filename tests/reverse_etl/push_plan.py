"""Push test helpers: a hand-written main.sync_plan with the contract's columns, and reads of the push's tables.

The push tests write their own plan so that each one states exactly what is to be sent; the real plan comes from
dbt (tests/sync runs the whole product).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors.config import client_for
from tests.helpers.sandbox import RunningSandbox

PLAN_COLUMNS = """
    plan_key varchar, action varchar, system varchar, entity varchar, record_id varchar,
    flow_id integer, source_system varchar, source_entity varchar, source_id varchar,
    field varchar, value_type varchar, old_value varchar, new_value varchar, change varchar,
    rejection varchar, waiting_for varchar, modified_at timestamp, planned_at timestamp
"""


@dataclass
class PlanBuilder:
    """Rows of a plan, one per field, as dbt would write them."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def create(
        self,
        system: str,
        entity: str,
        flow_id: int,
        source_id: str,
        fields: dict[str, str | None],
        *,
        types: dict[str, str] | None = None,
        rejections: dict[str, str] | None = None,
        waiting_for: str | None = None,
    ) -> str:
        key = f"create:{flow_id}:{source_id}"
        for name, value in fields.items():
            value_type = (types or {}).get(name, "string")
            rejection = (rejections or {}).get(name)
            source = ("zohocrm", "accounts", source_id)
            self.rows.append(
                (key, "create", system, entity, None, flow_id, *source, name, value_type, None, value, "create",
                 rejection, waiting_for)
            )  # fmt: skip
        return key

    def link(self, system: str, entity: str, flow_id: int, source_id: str, record_id: str, rule: str = "email") -> str:
        """A record the chain would create that the match rules pair with record_id (a record or a create's
        plan_key): the plan links it rather than creating it."""
        key = f"create:{flow_id}:{source_id}"
        source = ("zohocrm", "accounts", source_id)
        self.rows.append(
            (key, "link", system, entity, record_id, flow_id, *source, f"link:{rule}", "string", None, record_id,
             "link", None, None)
        )  # fmt: skip
        return key

    def update(
        self,
        system: str,
        entity: str,
        record_id: str,
        fields: dict[str, tuple[str | None, str | None]],
        *,
        rejections: dict[str, str] | None = None,
        flow_id: int = 1,
    ) -> str:
        key = f"update:{system}:{entity}:{record_id}"
        for name, (old, new) in fields.items():
            rejection = (rejections or {}).get(name)
            source = ("zohocrm", "accounts", f"src-{record_id}")
            self.rows.append(
                (key, "update", system, entity, record_id, flow_id, *source, name, "string", old, new, "one_side",
                 rejection, None)
            )  # fmt: skip
        return key

    def write(self, warehouse: Path, planned_at: datetime | None = None) -> None:
        """Replace main.sync_plan; planned_at is the dbt build's time (now unless given)."""
        at = planned_at or datetime.now(UTC).replace(tzinfo=None)
        with duckdb.connect(str(warehouse)) as con:
            con.execute(f"create or replace table main.sync_plan ({PLAN_COLUMNS})")
            con.executemany(
                "insert into main.sync_plan values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, at, at) for row in self.rows],
            )


def query(warehouse: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    # Not read-only: after an in-process sync, dbt's or dlt's connection may still be open in this process, and
    # DuckDB shares one instance per file per process only between connections of the same configuration.
    with duckdb.connect(str(warehouse)) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def records(sandbox: RunningSandbox, system: str, entity: str) -> list[dict[str, Any]]:
    """Every live record of a sandbox entity, read through the system's client (real HTTP)."""
    with client_for(system) as client:
        return [r for page in client.pages(entity) for r in page]


@contextmanager
def pointed_at(sandbox: RunningSandbox, tmp_path: Path) -> Iterator[Path]:
    """The product's default configuration reaching this sandbox, with a fresh warehouse file."""
    warehouse = tmp_path / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SANDBOX_PORT", sandbox.base_url.rsplit(":", 1)[1])
        mp.setenv("DBT_DUCKDB_PATH", str(warehouse))
        mp.setenv("CRM_SYNC_PIPELINES_DIR", str(tmp_path / "pipelines"))
        yield warehouse
