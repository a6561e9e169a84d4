"""CRMOffice: one record per call. PUT replaces the whole record (left-out fields become null), so an update
reads the record and sends it back with the plan's changes on top."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from connectors.base import CRMError
from reverse_etl.writers.base import (
    Request,
    Result,
    Write,
    Writer,
    created_since,
    json_body,
    merge,
    rejected,
    run_all,
    succeeded,
)

SERVER_FIELDS = ("id", "createdAt", "updatedAt")


class CRMOfficeWriter(Writer):
    system = "crmoffice"
    batch_size = 1  # no batch endpoint
    concurrency = 2  # the client paces calls under 300 a minute; two in flight keep that pace

    def current(self, entity: str, writes: Sequence[Write]) -> tuple[dict[str, dict[str, Any]], list[Result]]:
        def fetch(write: Write) -> tuple[Write, dict[str, Any] | CRMError]:
            assert write.record_id is not None
            try:
                return write, self.client.get(entity, write.record_id)
            except CRMError as exc:
                return write, exc

        records: dict[str, dict[str, Any]] = {}
        refused: list[Result] = []
        for write, found in run_all(fetch, writes, self.concurrency):
            if isinstance(found, CRMError):
                status = "rejected" if found.status == 404 else "failed"
                error = f"could not read the record to update: {found.detail}"
                refused.append(Result(write.key, status, write.record_id, found.status, error))
            else:
                records[str(write.record_id)] = found
        return records, refused

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.url(f"/{entity}/{record_id}")

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        (write,) = writes
        changes = self.payload(entity, write)
        if write.record_id is None:
            return Request("POST", self.client.url(f"/{entity}"), (write.key,), changes)
        record = {k: v for k, v in current[write.record_id].items() if k not in SERVER_FIELDS}
        body = merge(record, changes)
        if isinstance(changes.get("company"), dict) and isinstance(body.get("company"), dict):
            body["company"] = changes["company"]  # a reference is its id; the old name would be stale
        return Request("PUT", self.record_url(entity, write.record_id), (write.key,), body)

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        (write,) = writes
        if response.status_code < 300:
            return [succeeded(write, response, response.json()["id"])]
        # ProblemDetails with errors keyed by field path ("name", "postAddress.postCode", "$.name").
        problem = json_body(response) or {}
        errors = problem.get("errors") if isinstance(problem.get("errors"), dict) else {}
        if errors:
            text = " ".join(f"{name}: {' '.join(m) if isinstance(m, list) else m}" for name, m in errors.items())
            first = next(iter(errors)).removeprefix("$.").removeprefix("$")
            return [rejected(write, response, text, first or None)]
        error = problem.get("detail") or problem.get("title") or f"HTTP {response.status_code}"
        return [rejected(write, response, str(error))]

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        # updatedSince is inclusive; a new record's update time is its creation.
        return created_since(self.client.pages(entity, since=since.isoformat()), "id", "createdAt", since)
