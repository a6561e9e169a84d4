"""Custom CRM emulator: bearer API key, cursor paging on (UpdatedAt, Id), batch writes with per-item results,
the deleted feed and, beyond spec section 6b (see README.md), DELETE and paging of the deleted feed."""

from __future__ import annotations

import base64
import math
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, ClassVar

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.customcrm import seed, validate
from sandbox.systems.customcrm.schema import ENTITIES, REFERENCES, SERVER_FIELDS, UNIQUE
from sandbox.timefmt import iso_z, parse_iso
from sandbox.world import World

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_BATCH = 100
# 100 items of the longest allowed fields fit well below this; anything bigger is not a batch we accept.
MAX_BODY = 10 * 1024 * 1024
API_KEY = "sandbox-customcrm-api-key"
# Cursor kinds: a list cursor is (UpdatedAt, seq), a deleted-feed cursor is the last DeletedAt.
LIST_CURSOR = "m"
DELETED_CURSOR = "d"

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

Handler = Callable[[Request], Awaitable[Response]]


class Refused(Exception):
    """An error answer raised from anywhere inside a handler (auth, parameters, body)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _invalid(message: str) -> Refused:
    return Refused(_error(400, "invalid_parameter", message))


def _answering(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refused:
            return refused.response

    return endpoint


def _is_count(text: str) -> bool:
    # ASCII digits only (int() also takes " 5" and "٣"), and short enough for SQLite's 64-bit integers.
    return text.isascii() and text.isdigit() and len(text) <= 18


def _limit(params: Mapping[str, str]) -> int:
    text = params.get("limit", str(DEFAULT_LIMIT))
    if not _is_count(text) or not 1 <= int(text) <= MAX_LIMIT:
        raise _invalid(f"limit must be an integer from 1 to {MAX_LIMIT}, got {text[:40]!r}")
    return int(text)


def _time(params: Mapping[str, str], name: str) -> int | None:
    text = params.get(name)
    if text is None:
        return None
    try:
        return parse_iso(text)
    except (ValueError, OverflowError):
        raise _invalid(f"{name} must be an ISO-8601 date-time such as 2024-01-15T10:00:00Z") from None


def _cursor(kind: str, *numbers: int) -> str:
    return base64.urlsafe_b64encode(":".join([kind, *map(str, numbers)]).encode()).decode()


def _uncursor(text: str, kind: str, size: int) -> tuple[int, ...]:
    try:
        parts = base64.b64decode(text, altchars=b"-_", validate=True).decode("ascii").split(":")
    except ValueError:
        parts = []
    if len(parts) != size + 1 or parts[0] != kind or not all(_is_count(p) for p in parts[1:]):
        raise _invalid("cursor is not one this endpoint returned")
    return tuple(int(p) for p in parts[1:])


async def _json_body(request: Request) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(_error(413, "payload_too_large", f"the body is larger than {MAX_BODY} bytes"))
    try:
        # orjson is strict JSON: no NaN/Infinity, no lone surrogates (which could not be stored or served).
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refused(_error(400, "invalid_json", f"the body is not valid JSON: {exc}")) from None


def _item_error(id: str | None, field: str, message: str) -> dict[str, Any]:
    return {"id": id, "status": "error", "error": {"field": field, "message": message}}


class CustomCRM(System):
    name = "customcrm"
    title = "Custom CRM"
    credentials: ClassVar[dict[str, str]] = {"api_key": API_KEY}

    def routes(self) -> list[BaseRoute]:
        api = [
            Route("/api/v1/{entity}", _answering(self.list_records), methods=["GET"]),
            Route("/api/v1/{entity}/batch", _answering(self.batch), methods=["POST"]),
            Route("/api/v1/{entity}/deleted", _answering(self.deleted), methods=["GET"]),
            Route("/api/v1/{entity}/{id}", _answering(self.get_record), methods=["GET"]),
            Route("/api/v1/{entity}/{id}", _answering(self.delete_record), methods=["DELETE"]),
        ]

        async def fallback(request: Request) -> Response:
            return await self.fallback(api, request)

        # Last, so that unknown paths and methods get the API's error shape (after auth), not plain text.
        return [*api, Route("/{path:path}", _answering(fallback), methods=ALL_METHODS)]

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

    def _authorize(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or key != API_KEY:
            self.counters.unauthorized += 1
            raise Refused(self.unauthorized())

    def _entity(self, request: Request) -> str:
        """The entity path segment of an authorised call (auth first, then a known entity)."""
        self._authorize(request)
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            known = ", ".join(ENTITIES)
            raise Refused(_error(404, "not_found", f"no such entity {entity!r}; known: {known}"))
        return entity

    @staticmethod
    def render(entity: str, record: Record) -> dict[str, Any]:
        """Every field of the entity, null when never set, so that all records of an entity look alike."""
        _, fields = ENTITIES[entity]
        return {
            "Id": record.id,
            **{name: record.data.get(name) for name in fields},
            "CreatedAt": iso_z(record.created_us),
            "UpdatedAt": iso_z(record.modified_us),
        }

    # -- reads ----------------------------------------------------------------------------------------

    async def list_records(self, request: Request) -> Response:
        entity = self._entity(request)
        params = request.query_params
        limit = _limit(params)
        since = _time(params, "updated_since")
        after = None
        if "cursor" in params:
            modified, seq = _uncursor(params["cursor"], LIST_CURSOR, 2)
            after = (modified, seq)
        query = Query(modified_ge=since, after_modified_seq=after, order="modified", limit=limit + 1)
        rows = self.store.select(self.name, entity, query)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _cursor(LIST_CURSOR, rows[-1].modified_us, rows[-1].seq) if more else None
        return JSONResponse({"items": [self.render(entity, r) for r in rows], "next_cursor": next_cursor})

    async def get_record(self, request: Request) -> Response:
        entity = self._entity(request)
        id = request.path_params["id"]
        record = self.store.get(self.name, entity, id)
        if record is None:
            raise Refused(_error(404, "not_found", f"no {entity[:-1]} with Id {id!r}"))
        return JSONResponse(self.render(entity, record))

    async def deleted(self, request: Request) -> Response:
        entity = self._entity(request)
        params = request.query_params
        limit = _limit(params)
        since = _time(params, "since")
        if "cursor" in params:
            (last,) = _uncursor(params["cursor"], DELETED_CURSOR, 1)
            # The store's clock never gives two writes the same time, so "after the last one" is a keyset.
            since = last + 1 if since is None else max(since, last + 1)
        query = Query(deleted="only", deleted_ge=since, order="deleted", limit=limit + 1)
        rows = self.store.select(self.name, entity, query)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"Id": r.id, "DeletedAt": iso_z(r.deleted_us or 0)} for r in rows]
        next_cursor = _cursor(DELETED_CURSOR, rows[-1].deleted_us or 0) if more else None
        return JSONResponse({"items": items, "next_cursor": next_cursor})

    async def fallback(self, api: list[Route], request: Request) -> Response:
        self._authorize(request)
        # A path the API has, called with another method, matches its routes partially.
        partial = [route for route in api if route.matches(request.scope)[0] is Match.PARTIAL]
        allowed = sorted({method for route in partial for method in route.methods or ()})
        if not allowed:
            return _error(404, "not_found", f"no such path {request.url.path}")
        response = _error(405, "method_not_allowed", f"{request.method} is not allowed here")
        response.headers["Allow"] = ", ".join(allowed)
        return response

    # -- writes ---------------------------------------------------------------------------------------

    async def delete_record(self, request: Request) -> Response:
        entity = self._entity(request)
        id = request.path_params["id"]
        if self.store.delete(self.name, entity, id) is None:
            raise Refused(_error(404, "not_found", f"no {entity[:-1]} with Id {id!r}"))
        return Response(status_code=204)

    async def batch(self, request: Request) -> Response:
        entity = self._entity(request)
        body = await _json_body(request)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise Refused(_error(400, "invalid_body", 'the body must be {"items": [...]}'))
        if len(items) > MAX_BATCH:
            raise Refused(_error(400, "batch_too_large", f"at most {MAX_BATCH} items per batch, got {len(items)}"))
        with self.store.transaction():
            results = [{"index": i, **self._write(entity, item)} for i, item in enumerate(items)]
        return JSONResponse({"results": results})

    def _write(self, entity: str, item: Any) -> dict[str, Any]:
        """One item's result: created, updated or the first rule it breaks (nothing is written then)."""
        if not isinstance(item, dict):
            return _item_error(None, "item", "each item must be a JSON object")
        prefix, fields = ENTITIES[entity]
        id = item.get("Id")
        if id is not None and (not isinstance(id, str) or not id):
            return _item_error(None, "Id", "Id must be a non-empty string (leave it out to create)")
        current = self.store.get(self.name, entity, id) if id else None
        if id and current is None:
            return _item_error(id, "Id", f"no {entity[:-1]} with Id {id!r}")
        values = {k: v for k, v in item.items() if k != "Id"}
        problem = (
            self._server_field_problem(values)
            or validate.problem(values, fields, creating=current is None)
            or self._reference_problem(entity, values)
            or self._unique_problem(entity, id, values)
        )
        if problem:
            return _item_error(id, *problem)
        values = validate.stored(values, fields)
        if current is None:
            new_id = f"{prefix}{self.store.next_number(self.name, entity):08d}"
            record = self.store.create(self.name, entity, new_id, values)
            return {"id": record.id, "status": "created"}
        self.store.update(self.name, entity, current.id, {**current.data, **values})
        return {"id": current.id, "status": "updated"}

    @staticmethod
    def _server_field_problem(values: dict[str, Any]) -> tuple[str, str] | None:
        for name in SERVER_FIELDS[1:]:
            if name in values:
                return name, f"{name} is set by the server"
        return None

    def _reference_problem(self, entity: str, values: dict[str, Any]) -> tuple[str, str] | None:
        for field, target in REFERENCES.get(entity, {}).items():
            ref = values.get(field)
            if ref is not None and self.store.get(self.name, target, ref) is None:
                return field, f"{field} {ref!r} does not exist"
        return None

    def _unique_problem(self, entity: str, id: str | None, values: dict[str, Any]) -> tuple[str, str] | None:
        for field in UNIQUE.get(entity, ()):
            value = values.get(field)
            if value and any(r.id != id for r in self.store.lookup(self.name, entity, field, value)):
                return field, f"{field} {value!r} is already used by another {entity[:-1]}"
        return None

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for entity, size in seed.populations(world).items():
            self.store.bump_counter(self.name, entity, size)
