"""The one layer through which the push reads and writes the warehouse: a DuckDB file or a PostgreSQL database.

Everything the push keeps lives in the `reverse_etl` schema (created on first use); the plan and the link tables
are read from the dbt models in the configured schema (`store.models`). The SQL is plain and portable (standard
types, `?` parameters bound by the driver, no engine functions); only `connect` and `Warehouse._execute` know which
engine it is. Timestamps are naive UTC.

DuckDB has one writer: open a Warehouse only for as long as it is needed, never across an ingest or dbt build.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from connectors.config import WarehouseLocation, as_location

SCHEMA = "reverse_etl"

TABLES = {
    # Read by dbt (models/links/_links__sources.yml): exactly these columns.
    "created_links": """
        flow_id integer,
        source_id varchar,
        target_id varchar,
        created_at timestamp
    """,
    "push_runs": """
        run_id varchar,
        started_at timestamp,
        finished_at timestamp,
        dry_run boolean,
        systems varchar,
        status varchar,
        planned_at timestamp,
        created integer,
        recovered integer,
        updated integer,
        skipped integer,
        rejected integer,
        failed integer,
        waiting integer,
        error varchar,
        held integer,
        sent integer,
        undoes varchar
    """,
    "push_intents": """
        plan_key varchar,
        run_id varchar,
        system varchar,
        entity varchar,
        flow_id integer,
        source_id varchar,
        payload varchar,
        payload_hash varchar,
        started_at timestamp,
        status varchar,
        record_id varchar
    """,
    "push_outcomes": """
        run_id varchar,
        plan_key varchar,
        action varchar,
        system varchar,
        entity varchar,
        record_id varchar,
        flow_id integer,
        source_id varchar,
        status varchar,
        http_status integer,
        error varchar,
        field varchar,
        payload varchar,
        payload_hash varchar,
        pushed_at timestamp
    """,
    # Every value a push overwrote: what `undo --run` writes back (where the record still holds the new value).
    "overwritten_values": """
        run_id varchar,
        system varchar,
        entity varchar,
        record_id varchar,
        plan_key varchar,
        field varchar,
        value_type varchar,
        old_value varchar,
        new_value varchar,
        written_at timestamp
    """,
    # Where each sync round's wall time went (sync/rounds.py): the APIs' limits and answers, our own work.
    "sync_rounds": """
        sync_started_at timestamp,
        round integer,
        push_run_id varchar,
        wall_seconds double precision,
        api_limit_seconds double precision,
        api_answer_seconds double precision,
        ingest_seconds double precision,
        dbt_seconds double precision,
        push_seconds double precision
    """,
    "dry_run_requests": """
        run_id varchar,
        system varchar,
        entity varchar,
        plan_keys varchar,
        method varchar,
        url varchar,
        body varchar,
        changes varchar,
        requested_at timestamp
    """,
}


# DuckDB's refusal when another process has the file open names it: "... is held in <program> (PID <n>)".
LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file; the message names it (program and PID) and what to do."""

    def __init__(self, path: Path, program: str, pid: str, waited: float) -> None:
        after = f" (waited {waited:.0f} s)" if waited else ""
        super().__init__(
            f"the warehouse {path} is in use by another process: PID {pid} ({program}){after}. "
            "Close that program (a DuckDB client, a dbt run, another sync) or give --wait SECONDS."
        )
        self.pid = int(pid)


def connect(location: WarehouseLocation, *, wait: float = 0.0, application: str = "crm_sync") -> Any:
    """A connection to the warehouse (DB-API). A DuckDB file another process holds is retried for up to `wait`
    seconds, then WarehouseBusy; PostgreSQL has many writers. The PostgreSQL connection is in autocommit mode:
    transactions are explicit (Warehouse.transaction)."""
    if location.url is not None:
        import psycopg2  # only a PostgreSQL warehouse needs the driver loaded

        # Naive UTC timestamps in, naive UTC out, whatever the server's TimeZone.
        con = psycopg2.connect(location.url, application_name=application, options="-c TimeZone=UTC")
        con.autocommit = True
        return con
    assert location.path is not None
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(location.path))
        except duckdb.IOException as exc:
            held = LOCK_HELD.search(str(exc))
            if held is None:
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(location.path, held["program"], held["pid"], wait) from None
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(value: datetime | None) -> datetime | None:
    """dbt may hand back timestamps with a zone; the push compares them as naive UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Intent:
    """A create about to be sent; stays pending until its outcome is known."""

    plan_key: str
    run_id: str
    system: str
    entity: str
    flow_id: int | None
    source_id: str | None
    payload: str
    payload_hash: str
    started_at: datetime
    status: str = "pending"  # pending | done | recovered | abandoned
    record_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    run_id: str
    plan_key: str
    action: str
    system: str
    entity: str
    record_id: str | None
    flow_id: int | None
    source_id: str | None
    status: str  # created | updated | recovered | linked | rejected | held | failed | waiting
    http_status: int | None = None
    error: str | None = None
    field: str | None = None
    payload: str | None = None
    payload_hash: str | None = None
    pushed_at: datetime | None = None


@dataclass(frozen=True)
class CreatedLink:
    flow_id: int
    source_id: str
    target_id: str
    created_at: datetime


@dataclass(frozen=True)
class Overwrite:
    """One field a push changed in a record: what it held before and what the push wrote."""

    run_id: str
    system: str
    entity: str
    record_id: str
    plan_key: str
    field: str
    value_type: str
    old_value: str | None
    new_value: str | None
    written_at: datetime


@dataclass(frozen=True)
class RoundTime:
    """Where one sync round's wall time went. The API parts are waits in the ingest and the push (their union
    over threads: connectors.base.ApiClock); ingest, dbt and push are our own work in each step."""

    sync_started_at: datetime
    round: int
    push_run_id: str | None
    wall_seconds: float
    api_limit_seconds: float  # pace slots, 429s, backoff before a retry
    api_answer_seconds: float  # requests in flight
    ingest_seconds: float  # reading answers, normalising and loading them
    dbt_seconds: float
    push_seconds: float  # reading the plan, building requests, bookkeeping

    @property
    def api_seconds(self) -> float:
        return self.api_limit_seconds + self.api_answer_seconds

    @property
    def own_seconds(self) -> float:
        return self.ingest_seconds + self.dbt_seconds + self.push_seconds


@dataclass(frozen=True)
class DryRunRequest:
    run_id: str
    system: str
    entity: str
    plan_keys: str
    method: str
    url: str
    body: str | None
    changes: str
    requested_at: datetime


def _columns(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def _placeholders(cls: type) -> str:
    return ", ".join("?" for _ in fields(cls))


class Warehouse:
    """A connection to the warehouse; safe to share between the push's per-system threads (one lock)."""

    def __init__(self, warehouse: Path | WarehouseLocation | None = None, *, wait: float = 0.0) -> None:
        self.location = as_location(warehouse)
        self.path = self.location.path  # the DuckDB file, None for PostgreSQL
        self.models = self.location.schema  # where dbt builds the plan and the link tables
        self.wait = wait  # seconds to wait for another process to let go of the file
        self._lock = threading.RLock()
        self._con: Any = None

    def __enter__(self) -> Warehouse:
        self._con = connect(self.location, wait=self.wait)
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()
        self._con = None

    # -- plain SQL --------------------------------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = (), *, many: bool = False) -> Any:
        """Run one statement with `?` parameters on either driver; the cursor (its rows, if any)."""
        if self.location.url is None:
            if many:
                self._con.executemany(sql, params)
                return None
            return self._con.execute(sql, list(params))
        from psycopg2.extras import execute_batch

        # psycopg2 binds %s: the project's SQL has no literal `?` or `%`, so the marks translate one to one.
        sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = self._con.cursor()
        if many:
            execute_batch(cursor, sql, params, page_size=500)
        else:
            cursor.execute(sql, list(params))
        return cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self._execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _insert(self, table: str, cls: type, rows: Iterable[Any]) -> None:
        values = [list(astuple(r)) for r in rows]
        if values:
            self._execute(
                f"insert into {SCHEMA}.{table} ({_columns(cls)}) values ({_placeholders(cls)})", values, many=True
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing, committed on exit: what a kill -9 can leave behind is either before or after."""
        with self._lock:
            self._execute("begin transaction")
            try:
                yield
            except BaseException:
                self._execute("rollback")
                raise
            self._execute("commit")

    def exists(self, table: str, schema: str | None = None) -> bool:
        """Whether the table exists, in the models' schema unless another is named."""
        rows = self.query(
            "select 1 as found from information_schema.tables where table_schema = ? and table_name = ?",
            (schema or self.models, table),
        )
        return bool(rows)

    def ensure_schema(self) -> None:
        with self.transaction():
            self._execute(f"create schema if not exists {SCHEMA}")
            for table, columns in TABLES.items():
                self._execute(f"create table if not exists {SCHEMA}.{table} ({columns})")
                # A warehouse made by an older version gets the columns added since.
                for column in columns.split(","):
                    self._execute(f"alter table {SCHEMA}.{table} add column if not exists {column.strip()}")

    # -- the plan ---------------------------------------------------------------------------------------------

    def plan_rows(self, systems: Sequence[str]) -> list[dict[str, Any]]:
        marks = ", ".join("?" for _ in systems)
        return self.query(
            f"select * from {self.models}.sync_plan where system in ({marks}) order by system, entity, plan_key, field",
            systems,
        )

    # -- runs -------------------------------------------------------------------------------------------------

    def start_run(
        self,
        run_id: str,
        *,
        dry_run: bool,
        systems: Sequence[str],
        planned_at: datetime | None,
        undoes: str | None = None,
    ) -> None:
        """A run starts: a push of the plan, or an undo of run `undoes`."""
        with self.transaction():
            # A run still 'running' while we hold the push lock was killed: say so.
            self._execute(f"update {SCHEMA}.push_runs set status = 'interrupted' where status = 'running'")
            self._execute(
                f"insert into {SCHEMA}.push_runs (run_id, started_at, dry_run, systems, status, planned_at, undoes) "
                "values (?, ?, ?, ?, 'running', ?, ?)",
                [run_id, utcnow(), dry_run, ",".join(systems), planned_at, undoes],
            )

    def finish_run(self, run_id: str, status: str, counts: dict[str, int], error: str | None) -> None:
        names = ("created", "recovered", "updated", "skipped", "rejected", "held", "failed", "waiting", "sent")
        assignments = ", ".join(f"{name} = ?" for name in names)
        with self.transaction():
            self._execute(
                f"update {SCHEMA}.push_runs set finished_at = ?, status = ?, error = ?, {assignments} where run_id = ?",
                [utcnow(), status, error, *(counts.get(name, 0) for name in names), run_id],
            )

    # -- creates: intents and links ---------------------------------------------------------------------------

    def record_intents(self, intents: Sequence[Intent]) -> None:
        with self.transaction():
            self._insert("push_intents", Intent, intents)

    def pending_intents(self, system: str, entity: str) -> dict[str, list[Intent]]:
        """Creates of this target that were sent (or about to be) and whose outcome never arrived."""
        rows = self.query(
            f"select {_columns(Intent)} from {SCHEMA}.push_intents "
            "where system = ? and entity = ? and status = 'pending' order by started_at",
            (system, entity),
        )
        pending: dict[str, list[Intent]] = {}
        for row in rows:
            pending.setdefault(row["plan_key"], []).append(Intent(**row))
        return pending

    def created_targets(self, flow_ids: Iterable[int]) -> dict[tuple[int, str], str]:
        """(flow_id, source_id) -> target id of every record the push created for these flows."""
        ids = sorted(set(flow_ids))
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.query(
            f"select flow_id, source_id, target_id from {SCHEMA}.created_links where flow_id in ({marks})", ids
        )
        return {(int(r["flow_id"]), str(r["source_id"])): str(r["target_id"]) for r in rows}

    # -- outcomes ---------------------------------------------------------------------------------------------

    def record_outcomes(
        self,
        outcomes: Sequence[Outcome],
        links: Sequence[CreatedLink] = (),
        resolved: Sequence[tuple[str, str, str | None]] = (),
        overwrites: Sequence[Overwrite] = (),
    ) -> None:
        """One chunk's outcomes, the links of what it created, its intents' new status and the values its updates
        overwrote, in one commit.

        resolved: (plan_key, status, record_id) for the pending intents of those keys.
        """
        with self.transaction():
            self._insert("push_outcomes", Outcome, outcomes)
            self._insert("created_links", CreatedLink, links)
            self._insert("overwritten_values", Overwrite, overwrites)
            if resolved:
                self._execute(
                    f"update {SCHEMA}.push_intents set status = ?, record_id = ? "
                    "where plan_key = ? and status = 'pending'",
                    [[status, record_id, key] for key, status, record_id in resolved],
                    many=True,
                )

    def updates_done(self, system: str, entity: str, since: datetime) -> set[tuple[str, str]]:
        """(plan_key, payload_hash) of this target's updates that succeeded at or after `since` (the plan's build)."""
        rows = self.query(
            f"select distinct plan_key, payload_hash from {SCHEMA}.push_outcomes "
            "where system = ? and entity = ? and action = 'update' and status = 'updated' and pushed_at >= ?",
            (system, entity, since),
        )
        return {(r["plan_key"], r["payload_hash"]) for r in rows}

    def refusals(self, system: str, entity: str) -> dict[str, dict[str, Any]]:
        """Per plan_key of this target: its latest outcome, where that is a refusal by the API (`rejected` with an
        HTTP status, or `held`: the same refusal carried over by a later run)."""
        rows = self.query(
            f"select * from {SCHEMA}.push_outcomes where system = ? and entity = ? and not exists ("
            f" select 1 from {SCHEMA}.push_outcomes as later where later.plan_key = push_outcomes.plan_key"
            "  and later.system = push_outcomes.system and later.pushed_at > push_outcomes.pushed_at)"
            " and status in ('rejected', 'held') and http_status is not null",
            (system, entity),
        )
        return {r["plan_key"]: r for r in rows}

    def outcomes(self, run_ids: Sequence[str], statuses: Sequence[str]) -> list[dict[str, Any]]:
        if not run_ids or not statuses:
            return []
        runs = ", ".join("?" for _ in run_ids)
        marks = ", ".join("?" for _ in statuses)
        return self.query(
            f"select * from {SCHEMA}.push_outcomes where run_id in ({runs}) and status in ({marks}) "
            "order by system, entity, plan_key, field",
            [*run_ids, *statuses],
        )

    def overwrites(self, run_id: str) -> list[Overwrite]:
        rows = self.query(
            f"select {_columns(Overwrite)} from {SCHEMA}.overwritten_values where run_id = ? "
            "order by system, entity, record_id, field",
            (run_id,),
        )
        return [Overwrite(**row) for row in rows]

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self.query(f"select * from {SCHEMA}.push_runs where run_id = ?", (run_id,))
        return rows[0] if rows else None

    def record_dry_run(self, requests: Sequence[DryRunRequest]) -> None:
        with self.transaction():
            self._insert("dry_run_requests", DryRunRequest, requests)

    def record_rounds(self, times: Sequence[RoundTime]) -> None:
        self.ensure_schema()
        with self.transaction():
            self._insert("sync_rounds", RoundTime, times)

    # -- what the summary reads -------------------------------------------------------------------------------

    def flows(self) -> list[dict[str, Any]]:
        return self.query(f"select flow_id, flow_name, enabled from {self.models}.flows order by flow_id")

    def link_counts(self, flow_name: str) -> dict[str, int]:
        rows = self.query(
            "select "
            "sum(case when is_active then 1 else 0 end) as active, "
            "sum(case when is_active and match_rule = 'created_by_push' then 1 else 0 end) as created_by_push "
            f"from {self.models}.link_{flow_name}"
        )
        return {k: int(v or 0) for k, v in rows[0].items()}

    def conflicts_since(self, since: datetime) -> dict[str, int]:
        """Conflicts logged since then, per system whose value lost (the system the winning value is written to)."""
        rows = self.query(
            f"select system, count(*) as conflicts from {self.models}.sync_conflicts where logged_at >= ? group by 1",
            (since,),
        )
        return {r["system"]: int(r["conflicts"]) for r in rows}
