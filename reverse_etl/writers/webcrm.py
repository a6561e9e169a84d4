"""WebCRM: batch upsert PATCH /{Entity} (up to 100 items; an item with its id updates, without inserts), one
answer string per item (the id, or the error text).

A PATCH item replaces the whole record (fields left out are reset), so an update sends the record as it is now
with the plan's changes on top: the records of a batch are read first, by id in one Query API call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from connectors.base import CRMError
from connectors.webcrm import WebCRMClient
from reverse_etl.writers.base import (
    Request,
    Result,
    Write,
    Writer,
    chunks,
    created_since,
    json_body,
    log,
    merge,
    rejected,
    run_all,
    succeeded,
    to_int,
)

_INDEXED = "$["
# Records an update reads in one Query API call before it sends them: one PATCH batch's worth keeps the URL short.
READ_BATCH = 100


class WebCRMWriter(Writer):
    system = "webcrm"
    client: WebCRMClient
    batch_size = 100  # the batch limit (the sandbox's; WebCRM publishes none)
    concurrency = 2  # the client paces calls under 250 a minute; two in flight keep that pace
    items_key: ClassVar[str | None] = ""  # the body is a bare array

    def convert(self, entity: str, path: str, value: Any) -> Any:
        # Ids and references (OrganisationId, PersonOrganisationId, ProductPersonId, ...) are int32; WebCRM's
        # "no reference" is 0.
        if path.endswith("Id"):
            return to_int(path, value) or 0
        return value

    def record_key(self, record_id: str) -> Any:
        return to_int("Id", record_id)

    def current(self, entity: str, writes: Sequence[Write]) -> tuple[dict[str, dict[str, Any]], list[Result]]:
        ids = list(dict.fromkeys(w.record_id for w in writes if w.record_id is not None))
        records: dict[str, dict[str, Any]] = {}
        for found in run_all(lambda group: self._query(entity, group), list(chunks(ids, READ_BATCH)), self.concurrency):
            records.update(found)
        missing = [i for i in ids if i not in records]

        def fetch(record_id: str) -> tuple[str, dict[str, Any] | None, CRMError | None]:
            try:
                return record_id, self.client.get(entity, record_id), None
            except CRMError as exc:
                return record_id, None, exc

        gone: dict[str, CRMError] = {}
        for record_id, record, error in run_all(fetch, missing, self.concurrency):
            if record is not None:
                records[record_id] = record
            elif error is not None:
                gone[record_id] = error
        refused = [
            Result(
                w.key,
                "rejected" if gone[w.record_id].status == 404 else "failed",
                w.record_id,
                gone[w.record_id].status,
                f"could not read the record to update: {gone[w.record_id].detail}",
            )
            for w in writes
            if w.record_id in gone
        ]
        return records, refused

    def _query(self, entity: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The records of one group of ids, in one Query API call. Only a shortcut: what it does not return (a
        record deleted meanwhile, or every record when the API refuses the query) is read one GET each, which
        also tells a missing record (404) from a failed read."""
        id_field = id_field_of(entity)
        try:
            return {str(r.get(id_field)): r for r in self.client.by_ids(entity, ids)}
        except CRMError as exc:
            log.info("webcrm %s: reading %d records by id failed (%s), reading them one by one", entity, len(ids), exc)
            return {}

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.url(f"/{entity}/{self.record_key(record_id)}")

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        id_field = id_field_of(entity)
        server = {f"{prefix_of(entity)}CreatedAt", f"{prefix_of(entity)}UpdatedAt"}
        items = []
        for write in writes:
            changes = self.payload(entity, write)
            if write.record_id is None:
                items.append(changes)
            else:
                record = {k: v for k, v in current[write.record_id].items() if k not in server}
                items.append({**merge(record, changes), id_field: self.record_key(write.record_id)})
        return Request("PATCH", self.client.url(f"/{entity}"), tuple(w.key for w in writes), items)

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        answers = response.json() if response.status_code < 300 else None
        if not isinstance(answers, list) or len(answers) != len(writes):
            return None
        results = []
        for write, answer in zip(writes, answers, strict=True):
            text = str(answer).strip()
            if text.isdigit():
                results.append(succeeded(write, response, text))
            else:
                # "<Field>: <message>" (several joined by a space): the first field named.
                name, colon, _ = text.partition(":")
                results.append(rejected(write, response, text, name if colon and name.isidentifier() else None))
        return results

    def blame(self, response: httpx.Response, count: int) -> dict[int, tuple[str, str | None]]:
        # Model binding refuses the whole array with problem details keyed "$[3].ProductPrice".
        errors = (json_body(response) or {}).get("errors") or {}
        blamed: dict[int, tuple[str, str | None]] = {}
        for key, messages in errors.items() if isinstance(errors, dict) else ():
            if not key.startswith(_INDEXED) or "]" not in key:
                continue
            index, _, rest = key[len(_INDEXED) :].partition("]")
            if index.isdigit():
                text = " ".join(messages) if isinstance(messages, list) else str(messages)
                blamed[int(index)] = (f"{key}: {text}", rest.lstrip(".") or None)
        return blamed

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        # The Query API filters on the update time, strictly after.
        after = (since - timedelta(microseconds=1)).isoformat()
        prefix = prefix_of(entity)
        return created_since(self.client.pages(entity, since=after), f"{prefix}Id", f"{prefix}CreatedAt", since)


def prefix_of(entity: str) -> str:
    """Every field of an entity carries its singular as a prefix: Organisations -> Organisation."""
    return entity[:-1]


def id_field_of(entity: str) -> str:
    return f"{prefix_of(entity)}Id"
