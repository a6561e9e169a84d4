"""python -m reverse_etl undo --run ID [--dry-run]: write back the values a push run overwrote.

Every update a push makes keeps, per field, the value it replaced (reverse_etl.overwritten_values). Undo reads each
of those records from its system as it is now (through the writers' comparison: the value is what the run wrote,
in the API's form) and writes the old value back only where the field still holds what the run wrote. A field
edited since is left alone and reported, with the value it holds now; a field that already holds the old value
(an earlier undo, killed half-way, say) is reported as restored and not written again, so undo can be run again
after a crash. Records the run created are kept: nothing is ever deleted; they are reported.

An undo is itself a push run (`push_runs.undoes` names the run it undid): its outcomes (action `undo`) and the
values it overwrote are stored like a push's, so an undo can be undone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.base import CRMError, describe
from connectors.config import WarehouseLocation, as_location, client_for
from ingest.entities import entities_of
from reverse_etl.lock import exclusive
from reverse_etl.plan import typed
from reverse_etl.push import WriterFactory, new_run_id
from reverse_etl.warehouse import Outcome, Overwrite, Warehouse, utcnow
from reverse_etl.writers import Write, Writer, writer_for
from reverse_etl.writers.base import same, value_at

log = logging.getLogger("crm_sync.reverse_etl")
# push_runs' counts of an undo run: records per state of their fields.
UNDO_COUNTS = {"updated": "written", "rejected": "refused", "failed": "failed"}


@dataclass(frozen=True)
class FieldUndo:
    """One overwritten field and what undo does with it."""

    overwrite: Overwrite
    # restore: still holds what the run wrote; restored: already holds the old value; edited: changed since;
    # after the write: written, refused (the API's error), failed (no answer, or the record could not be read)
    state: str
    current: Any = None  # the value the record holds now, as its API shows it
    error: str | None = None


@dataclass
class UndoReport:
    run_id: str | None  # the undo's own push run (None for a dry run)
    undone: str
    dry_run: bool
    fields: list[FieldUndo] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # records the run created: kept

    def count(self, state: str) -> int:
        return sum(f.state == state for f in self.fields)

    def records(self, state: str) -> int:
        """Records with a field in this state (push_runs counts records, not fields)."""
        return len(
            {(f.overwrite.system, f.overwrite.entity, f.overwrite.record_id) for f in self.fields if f.state == state}
        )

    @property
    def failed(self) -> bool:
        return any(f.state in ("refused", "failed") for f in self.fields)


def undo(
    run_id: str,
    *,
    dry_run: bool = False,
    warehouse: Path | WarehouseLocation | None = None,
    writers: WriterFactory = writer_for,
    wait: float = 0.0,
) -> UndoReport:
    """Restore what push run `run_id` overwrote, where the records still hold what it wrote."""
    location = as_location(warehouse)
    with exclusive(location), Warehouse(location, wait=wait) as store:
        store.ensure_schema()
        run = store.run(run_id)
        if run is None or run["dry_run"]:
            raise LookupError(f"no push run {run_id!r} in {location} (reverse_etl.push_runs; dry runs wrote nothing)")
        overwrites = store.overwrites(run_id)
        report = UndoReport(None if dry_run else new_run_id(), run_id, dry_run)
        report.created = store.outcomes([run_id], ["created", "recovered"])
        systems = sorted({o.system for o in overwrites})
        if report.run_id is not None:
            store.start_run(report.run_id, dry_run=False, systems=systems, planned_at=None, undoes=run_id)
        with ExitStack() as stack:
            for system in systems:
                mine = [o for o in overwrites if o.system == system]
                undoing = SystemUndo(system, store, report.run_id)
                try:
                    undoing.run(writers(system, stack.enter_context(client_for(system))), mine)
                except Exception as exc:
                    error = describe(exc)
                    log.warning("%s: undo stopped: %s", system, error)
                    settled = {id(f.overwrite) for f in undoing.fields}
                    undoing.fields += [FieldUndo(o, "failed", error=error) for o in mine if id(o) not in settled]
                report.fields += undoing.fields
        if report.run_id is not None:
            counts = {name: report.records(state) for name, state in UNDO_COUNTS.items()}
            errors = "; ".join(sorted({f"{f.overwrite.system}: {f.error}" for f in report.fields if f.error})) or None
            store.finish_run(report.run_id, "failed" if report.failed else "ok", counts, errors)
    return report


class SystemUndo:
    """One system's share of an undo: read the records, sort the fields, write back what is still the run's."""

    def __init__(self, system: str, store: Warehouse, run_id: str | None) -> None:
        self.system = system
        self.store = store
        self.run_id = run_id  # None: a dry run, nothing is written
        self.api = {e.table: e.path for e in entities_of(system)}
        self.fields: list[FieldUndo] = []  # settled so far: what a failure half-way leaves known

    def run(self, writer: Writer, overwrites: Sequence[Overwrite]) -> None:
        for entity in dict.fromkeys(o.entity for o in overwrites):
            records: dict[str, list[Overwrite]] = {}
            for o in overwrites:
                if o.entity == entity:
                    records.setdefault(o.record_id, []).append(o)
            self.entity(writer, entity, records)

    def entity(self, writer: Writer, entity: str, records: dict[str, list[Overwrite]]) -> None:
        api = self.api[entity]
        decided: list[FieldUndo] = []
        for record_id, overwrites in records.items():
            try:
                current = writer.client.get(api, record_id)
            except CRMError as exc:
                decided += [FieldUndo(o, "failed", error=f"could not read the record: {exc}") for o in overwrites]
                continue
            decided += [self.decide(writer, api, o, value_at(current, o.field)) for o in overwrites]
        to_write = [f for f in decided if f.state == "restore"]
        if self.run_id is None or not to_write:
            self.fields += decided
            return
        self.fields += [f for f in decided if f.state != "restore"]
        self.fields += self.write(writer, entity, api, to_write)

    def decide(self, writer: Writer, api: str, o: Overwrite, current: Any) -> FieldUndo:
        """restore when the field holds what the run wrote, restored when it holds the old value, else edited."""
        if same(writer.convert(api, o.field, typed(o.value_type, o.new_value)), current):
            return FieldUndo(o, "restore", current)
        if same(writer.convert(api, o.field, typed(o.value_type, o.old_value)), current):
            return FieldUndo(o, "restored", current)
        return FieldUndo(o, "edited", current)

    def write(self, writer: Writer, entity: str, api: str, fields: list[FieldUndo]) -> list[FieldUndo]:
        assert self.run_id is not None
        by_record: dict[str, list[FieldUndo]] = {}
        for f in fields:
            by_record.setdefault(f.overwrite.record_id, []).append(f)
        writes = [
            Write(
                f"undo:{fs[0].overwrite.run_id}:{self.system}:{entity}:{record_id}",
                record_id,
                {f.overwrite.field: typed(f.overwrite.value_type, f.overwrite.old_value) for f in fs},
            )
            for record_id, fs in by_record.items()
        ]
        results = {r.key: r for r in writer.write(api, writes)}
        at = utcnow()
        outcomes: list[Outcome] = []
        overwrites: list[Overwrite] = []
        done: list[FieldUndo] = []
        for w in writes:
            res = results[w.key]
            outcomes.append(
                Outcome(
                    self.run_id,
                    w.key,
                    "undo",
                    self.system,
                    entity,
                    w.record_id,
                    None,
                    None,
                    res.status,
                    res.http_status,
                    res.error,
                    res.field,
                    pushed_at=at,
                )
            )
            state = {"updated": "written", "rejected": "refused"}.get(res.status, "failed")
            for f in by_record[str(w.record_id)]:
                o = f.overwrite
                done.append(FieldUndo(o, state, f.current, res.error))
                if state == "written":
                    # What the undo overwrote, so that it can be undone in turn.
                    overwrites.append(
                        Overwrite(
                            self.run_id,
                            o.system,
                            o.entity,
                            o.record_id,
                            w.key,
                            o.field,
                            o.value_type,
                            o.new_value,
                            o.old_value,
                            at,
                        )
                    )
        self.store.record_outcomes(outcomes, overwrites=overwrites)
        return done
