"""PowerOffice Go v2: one record per call, POST to create and JSON Patch to update, ProblemDetails errors."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from connectors.poweroffice import PowerOfficeClient
from reverse_etl.writers.base import (
    Request,
    Result,
    Write,
    Writer,
    created_since,
    json_body,
    rejected,
    succeeded,
    to_int,
)

# DTO fields that are int64 (plan values arrive as str ids or float numbers).
INT_FIELDS = frozenset({"Number", "ExternalNumber", "DepartmentId", "ManagerEmployeeId"})
SINGULAR = frozenset({"Customer", "Department"})
CREATED_FIELDS = {"Customers": "CustomerCreatedDateTimeOffset", "Departments": "CreatedDateTimeOffset"}
PATCH_MEDIA = "application/json-patch+json"
# ASP.NET's JSON Patch cannot replace a member of an object that is null (a customer without MailAddress).
_NO_PARENT = re.compile(r"path segment '([^']+)' was not found")


class PowerOfficeWriter(Writer):
    system = "poweroffice"
    # No batch writes; the client paces calls under 10/s, and enough of them in flight keep that pace.
    batch_size = 1
    concurrency = 8
    client: PowerOfficeClient

    def convert(self, entity: str, path: str, value: Any) -> Any:
        name = path.rsplit(".", 1)[-1]
        if name in INT_FIELDS:
            return to_int(path, value)
        if name == "ContactGroupIds" and isinstance(value, list):
            return [to_int(path, v) for v in value]
        return value

    def record_key(self, record_id: str) -> Any:
        return to_int("Id", record_id)

    def record_url(self, entity: str, record_id: str) -> str:
        return self.client.url(f"/v2/{entity}/{self.record_key(record_id)}")

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        (write,) = writes
        if write.record_id is None:
            return Request("POST", self.client.url(f"/v2/{entity}"), (write.key,), self.payload(entity, write))
        operations = [
            {"op": "replace", "path": "/" + path.replace(".", "/"), "value": self.convert(entity, path, value)}
            for path, value in write.fields.items()
        ]
        url = self.record_url(entity, write.record_id)
        return Request("PATCH", url, (write.key,), operations, {"Content-Type": PATCH_MEDIA})

    def fallback(self, request: Request, response: httpx.Response) -> Request | None:
        """A patch into a null object (e.g. /MailAddress/City while MailAddress is null) fails; adding the
        object whole with the patched members creates it, and there was nothing in it to keep."""
        if request.method != "PATCH" or response.status_code != 400:
            return None
        match = _NO_PARENT.search(str((json_body(response) or {}).get("detail", "")))
        if not match:
            return None
        parent = "/" + match[1]
        nested = [op for op in request.json if op["path"].lower().startswith(parent.lower() + "/")]
        if not nested:
            return None
        members = {op["path"][len(parent) + 1 :]: op["value"] for op in nested}
        if any("/" in member for member in members):
            return None
        operations = [op for op in request.json if op not in nested]
        operations.append({"op": "add", "path": parent, "value": members})
        return Request(request.method, request.url, request.keys, operations, dict(request.headers))

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        (write,) = writes
        if response.status_code < 300:
            return [succeeded(write, response, response.json()["Id"])]
        # RFC 7807 ProblemDetails: the detail text, and the first field its "errors" name.
        problem = json_body(response) or {}
        error = problem.get("detail") or problem.get("title") or f"HTTP {response.status_code}"
        # Whole-record problems are keyed by "$" or the entity ("Customer"), not by a field.
        names = [name for name in (problem.get("errors") or {}) if name != "$" and name not in SINGULAR]
        return [rejected(write, response, str(error), names[0] if names else None)]

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        return created_since(self.client.created_pages(entity, since), "Id", CREATED_FIELDS[entity], since)
