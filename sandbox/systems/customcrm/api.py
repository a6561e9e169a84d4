"""Custom CRM emulator: bearer API key, cursor paging on (UpdatedAt, Id), batch writes with per-item results."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.fields import check
from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.customcrm import seed
from sandbox.systems.customcrm.schema import DECIMALS, ENTITIES, REFERENCES, SERVER_FIELDS, UNIQUE
from sandbox.timefmt import iso_z, parse_iso
from sandbox.world import World

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_BATCH = 100
API_KEY = "sandbox-customcrm-api-key"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _cursor(record: Record) -> str:
    return base64.urlsafe_b64encode(f"{record.modified_us}:{record.seq}".encode()).decode()


def _uncursor(text: str) -> tuple[int, int]:
    modified, seq = base64.urlsafe_b64decode(text.encode()).decode().split(":")
    return int(modified), int(seq)


class CustomCRM(System):
    name = "customcrm"
    title = "Custom CRM"
    credentials: ClassVar[dict[str, str]] = {"api_key": API_KEY}

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v1/{entity}", self.list_records, methods=["GET"]),
            Route("/api/v1/{entity}/batch", self.batch, methods=["POST"]),
            Route("/api/v1/{entity}/deleted", self.deleted, methods=["GET"]),
            Route("/api/v1/{entity}/{id}", self.get_record, methods=["GET"]),
            Route("/api/v1/{entity}/{id}", self.delete_record, methods=["DELETE"]),
        ]

    def rate_windows(self) -> list[Window]:
        return [Window("second", 20, 1.0)]

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        seconds = max(1, math.ceil(retry_after))
        response = _error(429, "rate_limited", f"more than 20 requests per second; retry after {seconds} s")
        response.headers["Retry-After"] = str(seconds)
        return response

    def server_error(self) -> Response:
        return _error(500, "internal_error", "the server failed to process the request")

    def unauthorized(self) -> Response:
        return _error(401, "unauthorized", "missing or invalid bearer API key")

    def _guard(self, request: Request) -> Response | str:
        """The entity path segment, or the error answer (auth first, then a known entity)."""
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or key != API_KEY:
            self.counters.unauthorized += 1
            return self.unauthorized()
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return _error(404, "not_found", f"no such entity {entity!r}; known: {', '.join(ENTITIES)}")
        return entity

    @staticmethod
    def render(record: Record) -> dict[str, Any]:
        return {
            "Id": record.id,
            **record.data,
            "CreatedAt": iso_z(record.created_us),
            "UpdatedAt": iso_z(record.modified_us),
        }

    # -- reads ----------------------------------------------------------------------------------------

    async def list_records(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        params = request.query_params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            return _error(400, "invalid_parameter", "limit must be an integer")
        if not 1 <= limit <= MAX_LIMIT:
            return _error(400, "invalid_parameter", f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        since = None
        if "updated_since" in params:
            try:
                since = parse_iso(params["updated_since"])
            except ValueError:
                return _error(400, "invalid_parameter", "updated_since must be an ISO-8601 date-time")
        after = None
        if "cursor" in params:
            try:
                after = _uncursor(params["cursor"])
            except (ValueError, UnicodeDecodeError):
                return _error(400, "invalid_parameter", "cursor is not one this API returned")
        rows = self.store.select(
            self.name,
            entity,
            Query(modified_ge=since, after_modified_seq=after, order="modified", limit=limit + 1),
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return JSONResponse(
            {"items": [self.render(r) for r in rows], "next_cursor": _cursor(rows[-1]) if more else None}
        )

    async def get_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        record = self.store.get(self.name, entity, request.path_params["id"])
        if record is None:
            return _error(404, "not_found", f"no {entity[:-1]} with Id {request.path_params['id']!r}")
        return JSONResponse(self.render(record))

    async def deleted(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        since = request.query_params.get("since")
        try:
            since_us = parse_iso(since) if since else None
        except ValueError:
            return _error(400, "invalid_parameter", "since must be an ISO-8601 date-time")
        rows = self.store.select(self.name, entity, Query(deleted="only", order="version"))
        items = [
            {"Id": r.id, "DeletedAt": iso_z(r.deleted_us)}
            for r in rows
            if r.deleted_us is not None and (since_us is None or r.deleted_us >= since_us)
        ]
        return JSONResponse({"items": items})

    # -- writes ---------------------------------------------------------------------------------------

    async def delete_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        if self.store.delete(self.name, entity, request.path_params["id"]) is None:
            return _error(404, "not_found", f"no {entity[:-1]} with Id {request.path_params['id']!r}")
        return Response(status_code=204)

    async def batch(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "invalid_json", "the body is not valid JSON")
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            return _error(400, "invalid_body", 'the body must be {"items": [...]}')
        if len(items) > MAX_BATCH:
            return _error(400, "batch_too_large", f"at most {MAX_BATCH} items per batch, got {len(items)}")
        results = []
        with self.store.transaction():
            for index, item in enumerate(items):
                results.append({"index": index, **self._write(entity, item)})
        return JSONResponse({"results": results})

    def _write(self, entity: str, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict):
            return _item_error(None, "item", "each item must be a JSON object")
        prefix, fields = ENTITIES[entity]
        id = item.get("Id")
        if id is not None and not isinstance(id, str):
            return _item_error(None, "Id", "Id must be a string")
        current = self.store.get(self.name, entity, id) if id else None
        if id and current is None:
            return _item_error(id, "Id", f"no {entity[:-1]} with Id {id!r}")
        values = {k: v for k, v in item.items() if k != "Id"}
        for name in SERVER_FIELDS[1:]:
            if name in values:
                return _item_error(id, name, f"{name} is set by the server")
        errors = check(values, fields, creating=current is None, unknown="reject")
        if errors:
            return _item_error(id, errors[0].field, errors[0].message)
        for field, target in REFERENCES.get(entity, {}).items():
            ref = values.get(field)
            if ref is not None and self.store.get(self.name, target, str(ref)) is None:
                return _item_error(id, field, f"{field} {ref!r} does not exist")
        for field in UNIQUE.get(entity, ()):
            value = values.get(field)
            if value and any(r.id != id for r in self.store.lookup(self.name, entity, field, value)):
                return _item_error(id, field, f"{field} {value!r} is already used by another {entity[:-1]}")
        for field in DECIMALS & values.keys():
            if values[field] is not None:
                values[field] = float(Decimal(str(values[field])))
        if current is None:
            new_id = f"{prefix}{self.store.next_number(self.name, entity):08d}"
            record = self.store.create(self.name, entity, new_id, values)
            return {"id": record.id, "status": "created"}
        self.store.update(self.name, entity, current.id, {**current.data, **values})
        return {"id": current.id, "status": "updated"}

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for entity, size in seed.populations(world).items():
            self.store.bump_counter(self.name, entity, size)


def _item_error(id: str | None, field: str, message: str) -> dict[str, Any]:
    return {"id": id, "status": "error", "error": {"field": field, "message": message}}
