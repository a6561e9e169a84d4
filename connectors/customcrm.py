"""Custom CRM client: static bearer API key, cursor paging, updated_since (inclusive) incremental reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from connectors.base import Client, Page


class CustomCRMClient(Client):
    system = "customcrm"
    refreshable: ClassVar[bool] = False
    # 20 requests per sliding second.
    requests_per_second: ClassVar[float | None] = 19.0
    max_page_size = 500

    def authenticate(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['api_key']}"}

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        params: dict[str, Any] = {"limit": page_size or self.max_page_size}
        if since:
            params["updated_since"] = since
        while True:
            body = self.get_json(f"/api/v1/{entity}", entity=entity, params=params)
            if body["items"]:
                yield body["items"]
            if not body.get("next_cursor"):
                return
            params["cursor"] = body["next_cursor"]

    def deleted(self, entity: str, *, since: Any = None) -> Iterator[Page]:
        params: dict[str, Any] = {"limit": self.max_page_size}
        if since:
            params["since"] = since
        while True:
            body = self.get_json(f"/api/v1/{entity}/deleted", entity=entity, params=params)
            if body["items"]:
                yield [{"id": i["Id"], "deleted_at": i["DeletedAt"], "cursor": i["DeletedAt"]} for i in body["items"]]
            if not body.get("next_cursor"):
                return
            params["cursor"] = body["next_cursor"]

    def get(self, entity: str, id: str) -> dict[str, Any]:
        return self.get_json(f"/api/v1/{entity}/{id}", entity=entity)  # type: ignore[no-any-return]
