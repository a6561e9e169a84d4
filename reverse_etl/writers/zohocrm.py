"""Zoho CRM: up to 100 records per POST (create) or PUT (update) /{module}, one result item per record."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from connectors.zohocrm import ZohoCRMClient
from reverse_etl.writers.base import (
    Request,
    Result,
    Write,
    Writer,
    created_since,
    rejected,
    succeeded,
    to_int,
)

INT_FIELDS = frozenset({"Probability"})


class ZohoCRMWriter(Writer):
    system = "zohocrm"
    batch_size = 100  # Zoho's limit per insert/update call
    # Zoho's concurrency limit of the Standard edition (Free 5, Professional 15, Enterprise 20): at an API's
    # latency the batches in flight, not the credits, bound the rate. Set sources.zohocrm.concurrency for another
    # edition; a call over the limit is answered 429 and retried.
    concurrency = 10
    items_key: ClassVar[str | None] = "data"
    client: ZohoCRMClient

    def convert(self, entity: str, path: str, value: Any) -> Any:
        # Integer fields refuse 90.0; plan numbers arrive as floats.
        return to_int(path, value) if path in INT_FIELDS else value

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.crm_url(f"/{entity}/{record_id}")

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        # Lookups arrive as "Account_Name.id" and nest to {"Account_Name": {"id": ...}}, as Zoho takes them.
        items = [{**self.payload(entity, w), **({"id": w.record_id} if w.record_id else {})} for w in writes]
        method = "POST" if writes[0].record_id is None else "PUT"
        return Request(method, self.client.crm_url(f"/{entity}"), tuple(w.key for w in writes), {"data": items})

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        # 201/200 all written, 207 mixed, 400 none written: all three carry one item per record. A top-level
        # error object instead means the request itself was refused.
        items = response.json().get("data")
        if not isinstance(items, list) or len(items) != len(writes):
            return None
        results = []
        for write, item in zip(writes, items, strict=True):
            if item.get("status") == "success":
                results.append(succeeded(write, response, item["details"]["id"]))
            else:
                details = item.get("details") or {}
                error = f"{item.get('code')}: {item.get('message')}"
                results.append(rejected(write, response, error, details.get("api_name")))
        return results

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        # Zoho shows whole seconds and If-Modified-Since is strict: ask from the second before.
        second = since.replace(microsecond=0)
        pages = self.client.pages(entity, since=(second - timedelta(seconds=1)).isoformat())
        return created_since(pages, "id", "Created_Time", second)
