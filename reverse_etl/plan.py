"""The plan dbt built (model sync_plan, one row per field to write), grouped into one record per write.

Values arrive as text and leave typed for JSON (value_type): decimal → number, date → 'YYYY-MM-DD', the rest as
text; a null new value clears the field. A value the plan marks rejected, or that cannot be typed, is kept apart
with its reason: a create with any is not sent; an update sends its other fields.

One plan covers the whole chain: a create can be made from a record that another create of the same plan makes
(its source_id is that create's plan_key, `create:<flow>:<source>`), and a reference can point to a record the
plan creates (the value is that create's plan_key). The push sends such a record once the records it depends on
have been created, with the ids their APIs answered (`PlannedRecord.resolved`). A record the chain would create
that the match rules pair with a record its target holds is planned as a `link` to it (record_id): nothing is
sent, the push records the link once its source's create has an id; so is a record of a later flow into a target
that the rules pair with an earlier flow's create there (record_id that create's plan_key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from reverse_etl.warehouse import Warehouse, naive_utc
from reverse_etl.writers.base import Write

VALUE_TYPES = ("string", "decimal", "date", "country_code", "reference")
# How a plan_key of a create starts: a value holding one names a record the plan creates, not one a system holds.
PLANNED = "create:"


def is_planned(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PLANNED)


def create_key(flow_id: int | None, source_id: str | None) -> str:
    """The plan_key dbt gives the create of a flow's source record (int_sync__creates)."""
    return f"{PLANNED}{flow_id}:{source_id}"


def typed(value_type: str, value: str | None) -> Any:
    """The JSON value of a plan value; ValueError says why it cannot be sent."""
    if value is None:
        return None
    if value_type == "decimal":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return float(number)
    if value_type == "date":
        text = str(value).strip()
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    if value_type not in VALUE_TYPES:
        raise ValueError(f"unknown value_type {value_type!r}")
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None
    change: str  # create | one_side | conflict | initial
    value_type: str = "string"  # how the value is typed for the API (VALUE_TYPES)


@dataclass
class PlannedRecord:
    """One record to create or update, with every field the plan has for it."""

    key: str
    action: str  # create | update | link
    system: str
    entity: str
    record_id: str | None
    flow_id: int | None
    source_system: str | None
    source_entity: str | None
    source_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)  # the fields to send, typed
    changes: list[Change] = field(default_factory=list)  # every planned field, sent or not
    rejections: dict[str, str] = field(default_factory=dict)  # field -> why it is not sent
    waiting_for: str | None = None
    modified_at: datetime | None = None

    @property
    def is_create(self) -> bool:
        return self.action == "create"

    @property
    def is_link(self) -> bool:
        return self.action == "link"

    @property
    def made_from_source(self) -> bool:
        """A create or a link: the record stands for its source record in the flow (keyed by it)."""
        return self.is_create or self.is_link

    @property
    def sendable(self) -> bool:
        if self.waiting_for:
            return False
        return not self.rejections if self.made_from_source else bool(self.fields)

    @property
    def depends_on(self) -> list[str]:
        """The creates of this plan that must land before this record is written: the record it is made from (a
        record the plan creates further up the chain), and the records it refers to that the plan creates."""
        deps = [self.source_id] if self.made_from_source and is_planned(self.source_id) else []
        if self.is_link and is_planned(self.record_id):
            deps.append(self.record_id)  # linked to a record another create of the plan makes
        deps += [c.new for c in self.changes if c.value_type == "reference" and is_planned(c.new)]
        return list(dict.fromkeys(d for d in deps if d))

    def resolved(self, ids: Mapping[str, str]) -> PlannedRecord:
        """This record with every create it depends on replaced by the id the API answered (ids: plan_key → id):
        its source_id, its key (the plan_key the next build gives it, so intents and outcomes carry over) and its
        references."""
        source_id = ids[self.source_id] if is_planned(self.source_id) else self.source_id
        swap = {dep: ids[dep] for dep in self.depends_on if dep in ids}
        return replace(
            self,
            key=create_key(self.flow_id, source_id) if self.made_from_source else self.key,
            record_id=swap.get(self.record_id, self.record_id) if self.record_id else None,
            source_id=source_id,
            fields={k: swap.get(v, v) if isinstance(v, str) else v for k, v in self.fields.items()},
            changes=[replace(c, new=swap.get(c.new, c.new)) if c.new in swap else c for c in self.changes],
        )

    def write(self) -> Write:
        return Write(key=self.key, record_id=self.record_id, fields=dict(self.fields))

    def payload(self) -> str:
        """The JSON of what is sent: stored with the intent and the outcome, hashed to spot a repeat."""
        body = {"action": self.action, "record_id": self.record_id, "fields": self.fields}
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def payload_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


@dataclass
class Plan:
    records: list[PlannedRecord]
    planned_at: datetime | None  # when dbt built it: updates done since then are not sent again

    def of(self, system: str) -> list[PlannedRecord]:
        return [r for r in self.records if r.system == system]

    @cached_property
    def waves(self) -> list[list[PlannedRecord]]:
        """The records in the order their dependencies allow: a record comes in the wave after the last create of
        this plan it depends on (a dependency outside the plan was created by an earlier run, or never is)."""
        by_key = {r.key: r for r in self.records}
        depth: dict[str, int] = {}

        def depth_of(record: PlannedRecord, seen: frozenset[str]) -> int:
            if record.key not in depth:
                deps = [by_key[d] for d in record.depends_on if d in by_key and d not in seen]
                depth[record.key] = 1 + max((depth_of(d, seen | {record.key}) for d in deps), default=-1)
            return depth[record.key]

        waves: list[list[PlannedRecord]] = []
        for record in self.records:
            n = depth_of(record, frozenset())
            waves += [[] for _ in range(n + 1 - len(waves))]
            waves[n].append(record)
        return waves


def group(rows: Sequence[dict[str, Any]]) -> Plan:
    records: dict[str, PlannedRecord] = {}
    planned_at: datetime | None = None
    for row in rows:
        key = row["plan_key"]
        record = records.get(key)
        if record is None:
            record = records[key] = PlannedRecord(
                key=key,
                action=row["action"],
                system=row["system"],
                entity=row["entity"],
                record_id=row["record_id"],
                flow_id=None if row["flow_id"] is None else int(row["flow_id"]),
                source_system=row["source_system"],
                source_entity=row["source_entity"],
                source_id=row["source_id"],
            )
        name = row["field"]
        record.changes.append(Change(name, row["old_value"], row["new_value"], row["change"], row["value_type"]))
        record.waiting_for = record.waiting_for or row["waiting_for"]
        modified_at = naive_utc(row["modified_at"])
        if modified_at and (record.modified_at is None or modified_at > record.modified_at):
            record.modified_at = modified_at
        planned = naive_utc(row["planned_at"])
        if planned and (planned_at is None or planned > planned_at):
            planned_at = planned
        if row["rejection"]:
            record.rejections[name] = row["rejection"]
            continue
        try:
            record.fields[name] = typed(row["value_type"], row["new_value"])
        except ValueError as exc:
            record.rejections[name] = str(exc)
    return Plan(list(records.values()), planned_at)


def read_plan(warehouse: Warehouse, systems: Sequence[str]) -> Plan:
    if not warehouse.exists("sync_plan"):
        raise LookupError(
            f"no plan in {warehouse.location}: {warehouse.models}.sync_plan does not exist (run dbt build first)"
        )
    return group(warehouse.plan_rows(systems))
