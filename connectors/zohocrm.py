"""Zoho CRM client: refresh-token OAuth with the Zoho-oauthtoken header, page then page_token paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base import Client, CRMError, Page, json_object

API_VERSION = "v8"
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
        response = self.http.post(
            f"{self.accounts_url}/oauth/v2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
                "refresh_token": self.credentials["refresh_token"],
            },
        )
        body = json_object(response)
        if response.status_code != 200 or "access_token" not in body:
            raise CRMError(self.system, "token", response.status_code, f"token refused: {body}")
        self.api_base = f"{body.get('api_domain', self.base_url).rstrip('/')}/crm/{API_VERSION}"
        return {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        params: dict[str, Any] = {
            "fields": FIELDS[entity],
            "per_page": page_size or self.max_page_size,
            "page": 1,
        }
        headers = {"If-Modified-Since": since} if since else {}
        if self._auth is None:
            self._auth = self.authenticate()
        while True:
            body = self.get_json(f"{self.api_base}/{entity}", entity=entity, params=params, headers=headers)
            if not body:
                return
            yield body["data"]
            info = body.get("info", {})
            if not info.get("more_records"):
                return
            # `page` only reaches 2,000 records; page_token continues from there.
            if info.get("next_page_token"):
                params = {k: v for k, v in params.items() if k != "page"}
                params["page_token"] = info["next_page_token"]
            else:
                params["page"] += 1

    def deleted(self, entity: str, *, since: Any = None) -> Iterator[Page]:
        params: dict[str, Any] = {"type": "all", "per_page": self.max_page_size, "page": 1}
        headers = {"If-Modified-Since": since} if since else {}
        if self._auth is None:
            self._auth = self.authenticate()
        while True:
            body = self.get_json(f"{self.api_base}/{entity}/deleted", entity=entity, params=params, headers=headers)
            if not body or not body.get("data"):
                return
            yield [{"id": r["id"], "deleted_at": r["deleted_time"], "cursor": r["deleted_time"]} for r in body["data"]]
            if not body.get("info", {}).get("more_records"):
                return
            params["page"] += 1
