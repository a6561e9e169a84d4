"""CRMOffice client: IdentityServer token, page/pageSize paging with an updatedSince filter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base import Client, Page


class CRMOfficeClient(Client):
    system = "crmoffice"
    # 300 requests per minute (the sandbox's assumption, sandbox/systems/crmoffice/api.py REQUESTS_PER_MINUTE).
    requests_per_second = 4.75
    max_page_size = 500

    def __init__(
        self, base_url: str, credentials: dict[str, str], *, token_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, credentials, **kwargs)
        # Real CRMOffice issues tokens from its identity host; the sandbox serves both under one base URL.
        self.token_url = token_url or f"{self.base_url}/connect/token"

    def authenticate(self) -> dict[str, str]:
        body = self.token(
            self.token_url,
            {
                "grant_type": "client_credentials",
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
                "scope": "crmoffice",
            },
        )
        return {"Authorization": f"Bearer {body['access_token']}"}

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        size = page_size or self.max_page_size
        params: dict[str, Any] = {"pageSize": size, "page": 1}
        if since:
            params["updatedSince"] = since
        while True:
            items = self.get_json(f"/{entity}", entity=entity, params=params)["items"]
            if items:
                yield items
            if len(items) < size:
                return
            params["page"] += 1

    def get(self, entity: str, id: str) -> dict[str, Any]:
        return self.get_json(f"/{entity}/{id}", entity=entity)  # type: ignore[no-any-return]
