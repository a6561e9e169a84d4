"""Custom CRM: POST /api/v1/{entity}/batch with up to 100 items (with "Id" a partial update, without a
create), one result per item."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from reverse_etl.writers.base import Request, Result, Write, Writer, created_since, rejected, succeeded


class CustomCRMWriter(Writer):
    system = "customcrm"
    batch_size = 100  # the contract's limit
    concurrency = 4  # the client paces calls under 20 a second
    items_key: ClassVar[str | None] = "items"

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.url(f"/api/v1/{entity}/{record_id}")

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        items = [{**self.payload(entity, w), **({"Id": w.record_id} if w.record_id else {})} for w in writes]
        url = self.client.url(f"/api/v1/{entity}/batch")
        return Request("POST", url, tuple(w.key for w in writes), {"items": items})

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        if response.status_code >= 300:
            return None
        answers = sorted(response.json()["results"], key=lambda r: r["index"])
        if [a["index"] for a in answers] != list(range(len(writes))):
            raise ValueError("the results do not match the items one to one")
        results = []
        for write, answer in zip(writes, answers, strict=True):
            if answer["status"] in ("created", "updated"):
                results.append(succeeded(write, response, answer["id"]))
            else:
                error = answer.get("error") or {}
                text = f"{error.get('field')}: {error.get('message')}"
                results.append(rejected(write, response, text, error.get("field")))
        return results

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        # updated_since is inclusive; a new record's update time is its creation.
        pages = self.client.pages(entity, since=since.isoformat().replace("+00:00", "Z"))
        return created_since(pages, "Id", "CreatedAt", since)
