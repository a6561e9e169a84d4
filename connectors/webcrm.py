"""WebCRM client: ApiLogin token, Page/Size paging until an empty page, Query API for incremental reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from connectors.base import Client, Page, json_object

# Entity path -> the Query API's table name and field prefix.
QUERY_TABLES = {
    "Organisations": ("organisation", "Organisation"),
    "Persons": ("person", "Person"),
    "Products": ("product", "Product"),
}


class WebCRMClient(Client):
    system = "webcrm"
    # 250 requests per sliding minute.
    requests_per_second = 4.0
    max_page_size = 1000

    def authenticate(self) -> dict[str, str]:
        body = self.token(
            f"{self.base_url}/Auth/ApiLogin", {"authCode": self.credentials["auth_code"]}, field="AccessToken"
        )
        return {"Authorization": f"Bearer {body['AccessToken']}"}

    def throttle_wait(self, response: httpx.Response) -> float:
        body = json_object(response)
        seconds = body.get("RetryAfterSeconds")
        return float(seconds) if isinstance(seconds, int | float) else super().throttle_wait(response)

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        size = page_size or self.max_page_size
        if since:
            table, prefix = QUERY_TABLES[entity]
            path = "/Queries"
            params: dict[str, Any] = {
                "script": f"SELECT * FROM {table} WHERE {prefix}UpdatedAt > '{since}' ORDER BY {prefix}UpdatedAt",
            }
        else:
            path, params = f"/{entity}", {}
        return self._walk(path, entity, params, size)

    def _walk(self, path: str, entity: str, params: dict[str, Any], size: int) -> Iterator[Page]:
        """Page/Size pages until a short or empty one."""
        size = min(size, self.max_page_size)
        page = 1
        while True:
            records = self.get_json(path, entity=entity, params={**params, "Page": page, "Size": size})
            if not records:
                return
            yield records
            if len(records) < size:
                return
            page += 1

    def by_ids(self, entity: str, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The records with these ids that exist, through the Query API (one call for up to 1000 ids; every id
        lengthens the URL by about ten characters, so callers keep the lists short)."""
        table, prefix = QUERY_TABLES[entity]
        numbers = ", ".join(str(int(i)) for i in ids)
        params = {"script": f"SELECT * FROM {table} WHERE {prefix}Id IN ({numbers})"}
        return [record for page in self._walk("/Queries", entity, params, self.max_page_size) for record in page]

    def get(self, entity: str, id: str) -> dict[str, Any]:
        return self.get_json(f"/{entity}/{id}", entity=entity)  # type: ignore[no-any-return]
