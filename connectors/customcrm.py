"""Custom CRM client: static bearer API key, cursor paging, updated_since (inclusive) incremental reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from connectors.base import Client, CRMError, Page


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

    def _write_one(self, entity: str, item: dict[str, Any]) -> str:
        result = self.send("POST", f"/api/v1/{entity}/batch", entity=entity, json={"items": [item]}).json()
        outcome = result["results"][0]
        if outcome["status"] == "error":
            error = outcome["error"]
            raise CRMError(self.system, entity, 200, f"{error['field']}: {error['message']}")
        return str(outcome["id"])

    def create(self, entity: str, fields: dict[str, Any]) -> str:
        return self._write_one(entity, fields)

    def update(self, entity: str, id: str, fields: dict[str, Any]) -> None:
        self._write_one(entity, {**fields, "Id": id})

    def delete(self, entity: str, id: str) -> None:
        self.send("DELETE", f"/api/v1/{entity}/{id}", entity=entity)
