"""PowerOffice Go v2 client: Basic → Bearer token plus subscription key, X-Pagination paging."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from connectors.base import Client, CRMError, Page

# The creation-time filter of each entity's list.
CREATED_FILTERS = {
    "Customers": "customerCreatedDateTimeOffsetGreaterThan",
    "Departments": "createdDateTimeOffsetGreaterThan",
}


class PowerOfficeClient(Client):
    system = "poweroffice"
    # 10 requests/s per subscription key.
    requests_per_second = 9.5
    max_page_size = 20_000
    default_page_size = 5_000

    def _subscription(self) -> dict[str, str]:
        return {"Ocp-Apim-Subscription-Key": self.credentials["subscription_key"]}

    def authenticate(self) -> dict[str, str]:
        keys = f"{self.credentials['application_key']}:{self.credentials['client_key']}".encode()
        body = self.token(
            f"{self.base_url}/OAuth/Token",
            {"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {base64.b64encode(keys).decode()}", **self._subscription()},
        )
        return {"Authorization": f"Bearer {body['access_token']}", **self._subscription()}

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        params: dict[str, Any] = {"PageSize": page_size or self.default_page_size, "PageNumber": 1}
        if since:
            params["lastChangedDateTimeOffsetGreaterThan"] = since
        return self._walk(entity, params)

    def created_pages(self, entity: str, since: datetime) -> Iterator[Page]:
        """Records created at or after `since` (the API's creation filters are strictly-after, microseconds)."""
        after = (since - timedelta(microseconds=1)).astimezone(UTC).isoformat()
        params = {"PageSize": self.default_page_size, "PageNumber": 1, CREATED_FILTERS[entity]: after}
        return self._walk(entity, params)

    def _walk(self, entity: str, params: dict[str, Any] | None) -> Iterator[Page]:
        path: str = f"/v2/{entity}"
        while True:
            response = self.request("GET", path, entity=entity, params=params)
            if response.status_code == 204:
                return
            if response.status_code >= 400:
                raise CRMError(self.system, entity, response.status_code, response.text[:300])
            records = response.json()
            if records:
                yield records
            link = orjson.loads(response.headers.get("X-Pagination", "{}") or "{}").get("nextPageLink")
            if not link or not records:
                return
            path, params = link, None  # nextPageLink carries the query; an empty dict would strip it

    def get(self, entity: str, id: str) -> dict[str, Any]:
        return self.get_json(f"/v2/{entity}/{id}", entity=entity)  # type: ignore[no-any-return]
