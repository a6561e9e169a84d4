"""The one way every system's entities become dlt resources: merge on id, incremental cursor, deletions kept.

A system's source module only lists its entities (ingest/<system>.py); this module turns each into
- `<table>`: the records, merged on the primary key, read incrementally from the API's own cursor where the API
  can filter on it, with full scans where it cannot;
- `<table>_deleted`: ids the system deleted, with when, from its deleted-record feed or, for APIs without one,
  from the ids a complete scan no longer returns. Deleted records stay in `<table>`: links are closed, not lost.

Both tables always exist with every column the staging models read, typed: dlt creates a column only once it has
seen a value, so each entity declares its columns (`columns=`) and empty tables are materialised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from connectors.base import Client, CRMError, Page
from ingest.entity import DataType, Entity

Progress = Callable[[str, int], None]
# What every <table>_deleted holds, whichever way the deletion was learnt.
DELETED_COLUMNS: dict[str, DataType] = {"id": "text", "deleted_at": "timestamp", "how": "text"}


def _column_hints(types: dict[str, DataType]) -> dict[str, Any]:
    return {name: {"name": name, "data_type": data_type, "nullable": True} for name, data_type in types.items()}


def _path(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@dataclass
class EntityRun:
    """What one run learnt about an entity, for the deletions step and the summary."""

    seen: set[str] = field(default_factory=set)
    full_scan: bool = False
    complete: bool = False


def entity_resources(
    client: Client,
    entity: Entity,
    *,
    full_refresh: bool,
    full_scan_every: timedelta,
    progress: Progress,
    known_ids: Callable[[], set[str]],
    page_size: int | None = None,
) -> tuple[DltResource, DltResource, EntityRun]:
    """The records resource and its deletions resource for one entity (run the records first)."""
    label = f"{client.system}.{entity.table}"
    run = EntityRun()
    combined = entity.cursor is not None and len(entity.cursor) > 1

    def read(since: Any) -> Iterator[Page]:
        # The table and its declared columns exist from the first run on, even while the entity is empty.
        yield dlt.mark.materialize_table_schema()
        state = dlt.current.resource_state()
        last_scan = state.get("last_full_scan")
        due = entity.deletions == "scan" and (
            last_scan is None or datetime.now(UTC) - datetime.fromisoformat(last_scan) > full_scan_every
        )
        run.full_scan = since is None or full_refresh or entity.always_full or due
        # A full scan reads everything (to learn deletions); the cursor still drops unchanged rows.
        for page in client.pages(entity.path, since=None if run.full_scan else since, page_size=page_size):
            for record in page:
                if not isinstance(record, dict) or record.get(entity.primary_key) in (None, ""):
                    # Loading it would merge it into nothing: stop with the record in the message.
                    raise CRMError(
                        client.system, entity.path, None, f"a record without {entity.primary_key}: {str(record)[:200]}"
                    )
                run.seen.add(str(record[entity.primary_key]))
                if combined:
                    record["_changed_at"] = max(v for f in entity.cursor or () if (v := _path(record, f)) is not None)
            progress(label, len(page))
            yield page
        run.complete = True
        if run.full_scan:
            state["last_full_scan"] = datetime.now(UTC).isoformat()

    if entity.cursor is None:

        def records() -> Iterator[Page]:
            yield from read(None)

        resource = dlt.resource(records, name=entity.table)
    else:
        cursor_field = "_changed_at" if combined else entity.cursor[0]

        def incremental_records(
            cursor: dlt.sources.incremental[Any] = dlt.sources.incremental(cursor_field, initial_value=None),
        ) -> Iterator[Page]:
            yield from read(cursor.start_value)

        resource = dlt.resource(incremental_records, name=entity.table)
    resource.apply_hints(
        primary_key=entity.primary_key, write_disposition="merge", columns=_column_hints(entity.columns)
    )

    if entity.deletions == "feed":

        def deleted(
            cursor: dlt.sources.incremental[Any] = dlt.sources.incremental("cursor", initial_value=None),
        ) -> Iterator[Page]:
            yield dlt.mark.materialize_table_schema()
            for page in client.deleted(entity.path, since=cursor.start_value):
                yield [{**row, "how": "feed"} for row in page]

        gone = dlt.resource(deleted, name=f"{entity.table}_deleted")
    else:

        def scanned() -> Iterator[Page]:
            yield dlt.mark.materialize_table_schema()
            # Only a complete, unfiltered read proves absence; after an incremental read nothing is inferred.
            if not (run.complete and run.full_scan):
                return
            now = datetime.now(UTC).isoformat()
            missing = known_ids() - run.seen
            if missing:
                yield [{"id": id, "deleted_at": now, "how": "scan"} for id in sorted(missing)]

        gone = dlt.resource(scanned, name=f"{entity.table}_deleted")
    gone.apply_hints(primary_key="id", write_disposition="merge", columns=_column_hints(DELETED_COLUMNS))
    return resource, gone, run


def system_source(
    client: Client,
    entities: tuple[Entity, ...],
    *,
    full_refresh: bool,
    full_scan_every: timedelta,
    progress: Progress,
    known_ids: Callable[[Entity], set[str]],
    page_size: int | None = None,
) -> tuple[DltSource, dict[str, EntityRun]]:
    """One system's dlt source (every entity's records and deletions resources) and what each run learns."""
    runs: dict[str, EntityRun] = {}
    resources: list[DltResource] = []
    for entity in entities:
        records, deletions, run = entity_resources(
            client,
            entity,
            full_refresh=full_refresh,
            full_scan_every=full_scan_every,
            progress=progress,
            known_ids=lambda entity=entity: known_ids(entity),  # type: ignore[misc]
            page_size=page_size,
        )
        resources += [records, deletions]
        runs[entity.table] = run

    # Nested objects (PowerOffice MailAddress, Zoho lookups) flatten into columns; lists become child tables.
    @dlt.source(name=client.system, max_table_nesting=1)
    def source() -> list[DltResource]:
        return resources

    return source(), runs
