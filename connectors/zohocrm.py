"""Zoho CRM client: refresh-token OAuth with the Zoho-oauthtoken header, page then page_token paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base import Client, Page, refresh_grant

API_VERSION = "v8"
WALK_LIMIT = 100_000
# `fields` is mandatory on list calls (at most 50): everything the flows read.
FIELDS = {
    "Accounts": (
        "Account_Name,Phone,Website,Fax,Industry,Description,Account_Number,Billing_Street,Billing_City,"
        "Billing_Code,Billing_State,Billing_Country,Shipping_Street,Shipping_City,Shipping_Code,Shipping_State,"
        "Shipping_Country,Created_Time,Modified_Time"
    ),
    "Contacts": (
        "First_Name,Last_Name,Email,Secondary_Email,Phone,Mobile,Other_Phone,Home_Phone,Title,Mailing_Street,"
        "Mailing_City,Mailing_State,Mailing_Zip,Mailing_Country,Other_Street,Other_City,Other_State,Other_Zip,"
        "Other_Country,Account_Name,Date_of_Birth,Created_Time,Modified_Time"
    ),
    "Deals": (
        "Deal_Name,Stage,Pipeline,Amount,Closing_Date,Probability,Account_Name,Contact_Name,Created_Time,Modified_Time"
    ),
}


class ZohoCRMClient(Client):
    system = "zohocrm"
    max_page_size = 200

    def __init__(
        self, base_url: str, credentials: dict[str, str], *, accounts_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, credentials, **kwargs)
        # Real Zoho issues tokens on accounts.zoho.<dc>; the sandbox serves both under one base URL.
        self.accounts_url = (accounts_url or base_url).rstrip("/")
        self.api_base = f"{self.base_url}/crm/{API_VERSION}"

    def authenticate(self) -> dict[str, str]:
        body = self.token(f"{self.accounts_url}/oauth/v2/token", refresh_grant(self.credentials))
        self.api_base = f"{body.get('api_domain', self.base_url).rstrip('/')}/crm/{API_VERSION}"
        return {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        """Oldest change first, so a walk can resume from its last Modified_Time: Zoho ends a page-token walk
        after 100,000 records, and a new walk starts with If-Modified-Since at the last time seen (records of that
        second come again; the merge on id absorbs them)."""
        self.auth_headers()  # the token answer names the API host (api_domain)
        base = {"fields": FIELDS[entity], "per_page": page_size or self.max_page_size}
        base |= {"sort_by": "Modified_Time", "sort_order": "asc"}
        while True:
            headers = {"If-Modified-Since": since} if since else {}
            params: dict[str, Any] = {**base, "page": 1}
            walked = 0
            while True:
                body = self.get_json(f"{self.api_base}/{entity}", entity=entity, params=params, headers=headers)
                if not body:
                    return
                yield body["data"]
                walked += len(body["data"])
                info = body.get("info", {})
                if not info.get("more_records"):
                    return
                if walked + params.get("per_page", 0) > WALK_LIMIT:
                    since = body["data"][-1]["Modified_Time"]
                    break
                # `page` only reaches 2,000 records; page_token continues from there.
                params = {**base, "page_token": info["next_page_token"]}

    def deleted(self, entity: str, *, since: Any = None) -> Iterator[Page]:
        params: dict[str, Any] = {"type": "all", "per_page": self.max_page_size, "page": 1}
        headers = {"If-Modified-Since": since} if since else {}
        self.auth_headers()  # the token answer names the API host (api_domain)
        while True:
            body = self.get_json(f"{self.api_base}/{entity}/deleted", entity=entity, params=params, headers=headers)
            if not body or not body.get("data"):
                return
            yield [{"id": r["id"], "deleted_at": r["deleted_time"], "cursor": r["deleted_time"]} for r in body["data"]]
            if not body.get("info", {}).get("more_records"):
                return
            params["page"] += 1

    def crm_url(self, path: str) -> str:
        self.auth_headers()  # the token answer names the API host (api_domain)
        return f"{self.api_base}{path}"

    def get(self, entity: str, id: str) -> dict[str, Any]:
        return self.get_json(self.crm_url(f"/{entity}/{id}"), entity=entity)["data"][0]  # type: ignore[no-any-return]
