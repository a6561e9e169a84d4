"""Exact Online client: OAuth with a rotating refresh token, sync endpoints on Timestamp, minutely pacing."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors.base import Client, Page, log, refresh_grant
from connectors.tokens import Grant, RefreshTokenFile

# $select is mandatory: everything the flows read.
SELECT = {
    "Accounts": (
        "ID,Code,Name,Email,Phone,Website,VATNumber,ChamberOfCommerce,AddressLine1,AddressLine2,AddressLine3,"
        "Postcode,City,Country,CountryName,State,Status,IsSupplier,Blocked,MainContact,Created,Modified,Division,"
        "Timestamp"
    ),
    "Contacts": (
        "ID,Account,AccountName,FirstName,LastName,MiddleName,FullName,Email,BusinessEmail,Phone,BusinessPhone,"
        "Mobile,BusinessMobile,City,Postcode,Country,BirthDate,IsMainContact,JobTitleDescription,Created,Modified,"
        "Division,Timestamp"
    ),
}


class ExactClient(Client):
    system = "exact"

    def __init__(
        self,
        base_url: str,
        credentials: dict[str, str],
        *,
        tokens: RefreshTokenFile | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, credentials, **kwargs)
        # Exact rotates the refresh token on every use: every client of the grant refreshes with the newest one.
        self.tokens = tokens
        self.division = credentials["division"]
        self._access: str | None = None  # the access token this client got last

    def authenticate(self) -> dict[str, str]:
        def refresh(current: str) -> Grant:
            body = self.token(
                f"{self.base_url}/api/oauth2/token", refresh_grant({**self.credentials, "refresh_token": current})
            )
            self.credentials["refresh_token"] = body.get("refresh_token") or current
            # expires_in comes as a string ("600").
            return Grant(str(body["access_token"]), body.get("refresh_token"), float(body.get("expires_in") or 600))

        if self.tokens:
            # A second call in this client means the API refused the token it got before: that one is not kept on.
            access = self.tokens.access(refresh, refused=self._access)
        else:
            access = refresh(self.credentials["refresh_token"]).access_token
        self._access = access
        return {"Authorization": f"Bearer {access}"}

    def throttle_wait(self, response: httpx.Response) -> float:
        return _until(response.headers.get("X-RateLimit-Minutely-Reset")) or super().throttle_wait(response)

    def observe(self, response: httpx.Response) -> None:
        # Spend the minute's last call, then hold the next one (in any thread) until the window has room,
        # instead of collecting a 429.
        if response.headers.get("X-RateLimit-Minutely-Remaining") == "0":
            wait = _until(response.headers.get("X-RateLimit-Minutely-Reset"))
            if wait:
                wait += RESET_MARGIN_SECONDS
                log.info("exact: minutely quota spent, next call in %.2f s", wait)
                self.pace.defer(wait)

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        url = f"/api/v1/{self.division}/sync/CRM/{entity}"
        return self._walk(url, entity, {"$select": SELECT[entity], "$filter": f"Timestamp gt {int(since or 0)}"})

    def created_pages(self, entity: str, since: datetime) -> Iterator[Page]:
        """Records created at or after `since`, from the regular endpoint: the sync feed's cursor is a row
        version, not a time. The literal is cut to whole seconds (Exact's datetime literals), so a few records
        of the same second may come too."""
        literal = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        params = {"$select": regular_select(entity), "$filter": f"Created ge datetime'{literal}'"}
        return self._walk(self.crm_path(entity), entity, params)

    def _walk(self, url: str, entity: str, params: dict[str, Any] | None) -> Iterator[Page]:
        while True:
            body = self.get_json(url, entity=entity, params=params)
            # __metadata is OData's envelope (uri, type), not data of the record.
            results = [{k: v for k, v in r.items() if k != "__metadata"} for r in body["d"]["results"]]
            if results:
                yield results
            url = body["d"].get("__next")
            if not url:
                return
            params = None  # __next carries the query; an empty dict would strip it

    def deleted(self, entity: str, *, since: Any = None) -> Iterator[Page]:
        url = f"/api/v1/{self.division}/sync/Deleted"
        params: dict[str, Any] | None = {
            "$select": "EntityKey,EntityType,DeletedDate,Timestamp",
            "$filter": f"Timestamp gt {int(since or 0)} and EntityType eq {ENTITY_TYPES[entity]}",
        }
        while True:
            body = self.get_json(url, entity=entity, params=params)
            rows = body["d"]["results"]
            if rows:
                yield [
                    {"id": r["EntityKey"], "deleted_at": odata_datetime(r["DeletedDate"]), "cursor": r["Timestamp"]}
                    for r in rows
                ]
            url = body["d"].get("__next")
            if not url:
                return
            params = None  # __next carries the query; an empty dict would strip it

    def crm_path(self, entity: str, id: str | None = None) -> str:
        return f"/api/v1/{self.division}/crm/{entity}" + (f"(guid'{id}')" if id else "")

    def get(self, entity: str, id: str) -> dict[str, Any]:
        body = self.get_json(self.crm_path(entity, id), entity=entity, params={"$select": regular_select(entity)})["d"]
        return body["results"][0] if "results" in body else body  # type: ignore[no-any-return]


ENTITY_TYPES = {"Accounts": 2, "Contacts": 5}
# The reset time comes in whole milliseconds and from another clock: come back a little after it.
RESET_MARGIN_SECONDS = 0.25


def regular_select(entity: str) -> str:
    """$select for the regular (crm/) endpoints: Timestamp exists on the sync feed only."""
    return ",".join(name for name in SELECT[entity].split(",") if name != "Timestamp")


# OData v2's JSON dates: milliseconds since the epoch, sometimes with an offset that does not move the instant.
ODATA_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")


def odata_moment(value: Any) -> datetime | None:
    """/Date(1700000000000)/ as an aware UTC datetime; None when the value is not an OData date."""
    match = ODATA_DATE.match(value.strip()) if isinstance(value, str) else None
    return datetime.fromtimestamp(int(match[1]) / 1000, tz=UTC) if match else None


def odata_datetime(value: str) -> str | None:
    """/Date(1700000000000)/ as an ISO-8601 UTC date-time."""
    moment = odata_moment(value)
    return moment.isoformat() if moment else None


def _until(epoch_ms: str | None) -> float:
    """Seconds from now until an X-RateLimit-*-Reset value (epoch milliseconds)."""
    try:
        return max(0.0, int(epoch_ms or "") / 1000 - time.time()) if epoch_ms else 0.0
    except ValueError:
        return 0.0
