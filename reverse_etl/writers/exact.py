"""Exact Online: one record per call (POST with the representation back, PUT by guid); the client paces itself
from the X-RateLimit-Minutely-* headers, so one call at a time keeps within 60 a minute."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, time
from typing import Any

import httpx

from connectors.exact import ExactClient, odata_moment
from reverse_etl.writers.base import Request, Result, Write, Writer, json_body, rejected, succeeded


class ExactWriter(Writer):
    system = "exact"
    batch_size = 1  # Exact has no write batching
    concurrency = 1
    client: ExactClient

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.url(self.client.crm_path(entity, record_id))

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        (write,) = writes
        body = self.payload(entity, write)
        if write.record_id is None:
            url = self.client.url(self.client.crm_path(entity))
            return Request("POST", url, (write.key,), body, {"Prefer": "return=representation"})
        # PUT takes a partial body: only the fields sent change.
        return Request("PUT", self.record_url(entity, write.record_id), (write.key,), body)

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        (write,) = writes
        if response.status_code < 300:
            record_id = response.json()["d"]["ID"] if write.record_id is None else None
            return [succeeded(write, response, record_id)]
        # {"error": {"message": {"value": "<Field>: <what>"}}}
        body = json_body(response) or {}
        error = str(((body.get("error") or {}).get("message") or {}).get("value") or f"HTTP {response.status_code}")
        name, colon, _ = error.partition(":")
        return [rejected(write, response, error, name if colon and name.isidentifier() else None)]

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        # The sync feed's cursor is a row version; the regular endpoint filters on Created.
        for page in self.client.created_pages(entity, since):
            for record in page:
                yield str(record["ID"]), {name: _as_sent(value) for name, value in record.items()}


def _as_sent(value: Any) -> Any:
    """An OData date read back in the form the plan sends it: a date at midnight as the day alone."""
    moment = odata_moment(value)
    if moment is None:
        return value
    return moment.date().isoformat() if moment.time() == time.min else moment.isoformat()
