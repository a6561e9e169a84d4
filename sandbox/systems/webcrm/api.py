"""WebCRM emulator: application-token login, Page/Size offset paging over bare arrays, /Queries SQL subset,
single POST/PUT plus PATCH batch upsert answering one string per item, 250 calls per sliding minute."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from email import policy
from email.parser import BytesParser
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.fields import FieldError, check
from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.webcrm import seed
from sandbox.systems.webcrm.query import UnsupportedQuery, parse
from sandbox.systems.webcrm.schema import COUNTRY_DATA_KEYS, DEFAULTS, ENTITIES, INT32_MAX, PERSONS, Entity
from sandbox.timefmt import iso_us, parse_iso
from sandbox.world import World

AUTH_CODE = "7d3f5a2e-91c4-4b8e-a6d0-5c2e8f1b9a47"
SYSTEM_ID = 104729
TOKEN_TTL = 3600
DEFAULT_SIZE = 50
MAX_SIZE = 1000
MAX_PAGE = 1_000_000
MAX_BATCH = 100
CALLS_PER_MINUTE = 250

_BY_LOWER = {name.lower(): entity for name, entity in ENTITIES.items()}
# .NET type names in model-binding errors, by field kind.
_TYPE_NAMES = {
    "text": "System.String",
    "email": "System.String",
    "int": "System.Int32",
    "decimal": "System.Double",
    "bool": "System.Boolean",
    "date": "System.DateTime",
    "object": "CountryDataDto",
}


def _message(status: int, type_: str, message: str) -> JSONResponse:
    """The {Message, Type} body WebCRM uses for its own errors (the 429 body has the same two keys)."""
    return JSONResponse({"Message": message, "Type": type_}, status_code=status)


def _problem(errors: Mapping[str, list[str]]) -> JSONResponse:
    """ASP.NET Core's validation answer: model binding and data-annotation failures."""
    return JSONResponse(
        {
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "traceId": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00",
            "errors": dict(errors),
        },
        status_code=400,
    )


def _token_answer(access: str | None, refresh: str | None, error: str | None = None) -> JSONResponse:
    """The login/refresh object; a failure is the same object with IsError set (HTTP 400)."""
    ok = error is None
    return JSONResponse(
        {
            "AccessToken": access,
            "RefreshToken": refresh,
            "ExpiresIn": TOKEN_TTL if ok else 0,
            "TokenType": "Bearer" if ok else None,
            "IsError": not ok,
            "Error": None if ok else "invalid_grant",
            "ErrorDescription": error,
            "SystemId": SYSTEM_ID if ok else 0,
        },
        status_code=200 if ok else 400,
    )


async def _form(request: Request) -> dict[str, str]:
    """Form fields of a urlencoded or multipart body (clients send either), without python-multipart."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return dict(parse_qsl(body.decode("utf-8", "replace")))
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return fields


def _int_param(params: Mapping[str, str], name: str, default: int, high: int) -> int | str:
    """The parameter's value, or the .NET model-binding message when it is not an int in 1..high."""
    raw = params.get(name.lower())
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return f"The value '{raw}' is not valid for {name}."
    if not 1 <= value <= high:
        return f"The field {name} must be between 1 and {high}."
    return value


async def _json(request: Request) -> Any:
    """The parsed body, or a Response when it is not JSON."""
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return _problem({"$": ["The request body is not valid JSON."]})


def _lower_keys(request: Request) -> dict[str, str]:
    """Query parameters by lower-case name: ASP.NET binds them case-insensitively."""
    return {k.lower(): v for k, v in request.query_params.items()}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _binds(kind: str, value: Any) -> bool:
    """Whether a JSON value deserialises into a DTO property of this kind (None always does)."""
    if value is None:
        return True
    if kind in ("text", "email"):
        return isinstance(value, str)
    if kind == "int":
        return _is_int(value) and 0 <= value <= INT32_MAX
    if kind == "decimal":
        return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and _parses_as_datetime(value)
    if kind == "object":
        return (
            isinstance(value, dict)
            and value.keys() <= COUNTRY_DATA_KEYS
            and all(v is None or isinstance(v, str) for v in value.values())
        )
    raise AssertionError(f"unhandled kind {kind}")


def _parses_as_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _bind(entity: Entity, item: Any, where: str) -> dict[str, list[str]]:
    """Model-binding errors of one body (the whole request fails on them, as ASP.NET does)."""
    if not isinstance(item, dict):
        return {where or "$": [f"The JSON value could not be converted to {entity.prefix}Dto."]}
    errors: dict[str, list[str]] = {}
    for name, value in item.items():
        key = f"{where}.{name}" if where else name
        if name == entity.id_field:
            kind = "int"
        elif name in entity.server_fields:
            kind = "date"
        elif name in entity.fields:
            kind = entity.fields[name].kind
        else:
            errors[key] = [f"{name} is not a property of {entity.prefix}Dto."]
            continue
        if not _binds(kind, value):
            errors[key] = [f"The JSON value could not be converted to {_TYPE_NAMES[kind]}. Path: {key}"]
    return errors


def _values(entity: Entity, item: dict[str, Any]) -> dict[str, Any]:
    """The full stored body: every DTO field, unset ones at their defaults (PUT and PATCH replace)."""
    values: dict[str, Any] = {}
    for name, rule in entity.fields.items():
        value = item.get(name)
        values[name] = DEFAULTS.get(rule.kind) if value is None else value
        if rule.kind == "decimal":
            values[name] = float(values[name])
        elif rule.kind == "date" and value:
            # A DateTime property takes "1980-05-01" or "1980-05-01T00:00:00"; the date is what is kept.
            values[name] = datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    if entity is PERSONS and not values["PersonName"].strip():
        # PersonName is the display name WebCRM composes from the parts when it is not given.
        values["PersonName"] = " ".join(p for p in (values["PersonFirstName"], values["PersonLastName"]) if p)
    return values


def _annotation_message(error: FieldError, entity: Entity) -> str:
    """A FieldError in the words of .NET's data annotations."""
    name = error.field
    if error.code == "required":
        return f"The {name} field is required."
    if error.code == "too_long":
        return f"The field {name} must be a string with a maximum length of {entity.fields[name].max_len}."
    if entity.fields[name].kind == "email":
        return f"The {name} field is not a valid e-mail address."
    return f"The value is not valid for {name}."


class WebCRM(System):
    name = "webcrm"
    title = "WebCRM"
    credentials: ClassVar[dict[str, str]] = {"auth_code": AUTH_CODE}
    auth_paths = ("/Auth/",)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/Auth/ApiLogin", self.login, methods=["POST"]),
            Route("/Auth/ApiRefresh", self.refresh, methods=["POST"]),
            Route("/Queries", self.queries, methods=["GET"]),
            Route("/{entity}/FindByUpdateDates/{start}/{end}", self.find_by_update_dates, methods=["GET"]),
            Route("/{entity}", self.list_records, methods=["GET"]),
            Route("/{entity}", self.create, methods=["POST"]),
            Route("/{entity}", self.batch, methods=["PATCH"]),
            Route("/{entity}/{id}", self.get_record, methods=["GET"]),
            Route("/{entity}/{id}", self.replace_record, methods=["PUT"]),
            Route("/{entity}/{id}", self.delete_record, methods=["DELETE"]),
        ]

    def rate_windows(self) -> list[Window]:
        return [Window("minute", CALLS_PER_MINUTE, 60.0)]

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        seconds = max(1, math.ceil(retry_after))
        response = JSONResponse(
            {
                "RetryAfterSeconds": seconds,
                "Message": f"The request was throttled. Retry after {seconds} seconds.",
                "Type": "TooManyRequestsException",
            },
            status_code=429,
        )
        response.headers["Retry-After"] = str(seconds)
        return response

    def server_error(self) -> Response:
        return _message(500, "InternalServerErrorException", "An error occurred while processing the request.")

    def unauthorized(self) -> Response:
        response = _message(401, "UnauthorizedException", "Authorization has been denied for this request.")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    # -- auth -----------------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        code = (await _form(request)).get("authCode")
        if code != AUTH_CODE:
            return _token_answer(None, None, "The authentication code is missing or not valid.")
        return self._new_tokens()

    async def refresh(self, request: Request) -> Response:
        token = (await _form(request)).get("refreshToken")
        if not token or not self.tokens.use_refresh(self.name, token):
            return _token_answer(None, None, "The refresh token is missing, not valid or already used.")
        return self._new_tokens()

    def _new_tokens(self) -> Response:
        return _token_answer(self.tokens.issue(self.name, TOKEN_TTL), self.tokens.new_refresh(self.name))

    def _denied(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.require(request, token.strip() if scheme.lower() == "bearer" else None)

    def _entity(self, request: Request) -> Entity | Response:
        """The path's entity (matched case-insensitively, as .NET routes are), after the auth check."""
        denied = self._denied(request)
        if denied is not None:
            return denied
        segment = request.path_params["entity"]
        entity = _BY_LOWER.get(segment.lower())
        if entity is None:
            return _message(404, "NotFoundException", f"No resource /{segment}; known: {', '.join(ENTITIES)}.")
        return entity

    @staticmethod
    def render(entity: Entity, record: Record) -> dict[str, Any]:
        return {
            entity.id_field: int(record.id),
            **record.data,
            entity.created_field: iso_us(record.created_us),
            entity.updated_field: iso_us(record.modified_us),
        }

    # -- reads ----------------------------------------------------------------------------------------

    def _page(self, request: Request, entity: Entity, query: Query) -> Response:
        """One Page/Size page of the query as a bare array (empty past the end)."""
        params = _lower_keys(request)
        page = _int_param(params, "Page", 1, MAX_PAGE)
        size = _int_param(params, "Size", DEFAULT_SIZE, MAX_SIZE)
        errors = {name: [value] for name, value in (("Page", page), ("Size", size)) if isinstance(value, str)}
        if errors:
            return _problem(errors)
        assert isinstance(page, int) and isinstance(size, int)
        rows = self.store.select(self.name, entity.name, replace(query, limit=size, offset=(page - 1) * size))
        return JSONResponse([self.render(entity, r) for r in rows])

    async def list_records(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        return self._page(request, entity, Query(order="seq"))

    async def find_by_update_dates(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        if entity.name != "Organisations":
            return _message(404, "NotFoundException", f"No resource /{entity.name}/FindByUpdateDates.")
        bounds: dict[str, int] = {}
        errors: dict[str, list[str]] = {}
        for name, key in (("startDate", "start"), ("endDate", "end")):
            raw = request.path_params[key]
            try:
                bounds[key] = parse_iso(raw)
            except ValueError:
                errors[name] = [f"The value '{raw}' is not valid."]
        if errors:
            return _problem(errors)
        # startDate <= updated < endDate, in update order so a page walk of a closed window is stable.
        return self._page(
            request, entity, Query(modified_ge=bounds["start"], modified_lt=bounds["end"], order="modified")
        )

    async def queries(self, request: Request) -> Response:
        denied = self._denied(request)
        if denied is not None:
            return denied
        script = _lower_keys(request).get("script", "").strip()
        if not script:
            return _problem({"script": ["The script field is required."]})
        try:
            parsed = parse(script)
        except UnsupportedQuery as exc:
            return _message(400, "BadRequestException", f"Unsupported query: {exc}.")
        query = Query(
            modified_gt=parsed.modified_gt,
            modified_ge=parsed.modified_ge,
            modified_lt=parsed.modified_lt,
            order=parsed.order,
            descending=parsed.descending,
            ids=parsed.ids,
        )
        return self._page(request, parsed.entity, query)

    async def get_record(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        found = self._find(entity, request.path_params["id"])
        if isinstance(found, Response):
            return found
        return JSONResponse(self.render(entity, found))

    def _find(self, entity: Entity, raw_id: str) -> Record | Response:
        if not raw_id.isdigit() or int(raw_id) > INT32_MAX:
            return _problem({"id": [f"The value '{raw_id}' is not valid."]})
        record = self.store.get(self.name, entity.name, str(int(raw_id)))
        if record is None:
            return _message(404, "NotFoundException", f"{entity.prefix} with id {int(raw_id)} was not found.")
        return record

    # -- writes ---------------------------------------------------------------------------------------

    def _check(self, entity: Entity, values: dict[str, Any]) -> list[tuple[str, str]]:
        """Data-annotation and reference errors of a full body: (field, message)."""
        errors = [(e.field, _annotation_message(e, entity)) for e in check(values, entity.fields, creating=True)]
        for field, target in entity.references.items():
            ref = values[field]
            if ref and self.store.get(self.name, target, str(ref)) is None:
                errors.append((field, f"{ENTITIES[target].prefix} with id {ref} does not exist."))
        return errors

    def _insert(self, entity: Entity, values: dict[str, Any]) -> Record:
        new_id = str(self.store.next_number(self.name, entity.name))
        return self.store.create(self.name, entity.name, new_id, values)

    def _prepare(self, entity: Entity, body: Any) -> dict[str, Any] | Response:
        """A POST/PUT body bound and validated: the full values to store, or the 400."""
        binding = _bind(entity, body, "")
        if binding:
            return _problem(binding)
        values = _values(entity, body)
        errors: dict[str, list[str]] = {}
        for field, message in self._check(entity, values):
            errors.setdefault(field, []).append(message)
        if errors:
            return _problem(errors)
        return values

    async def create(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        body = await _json(request)
        if isinstance(body, Response):
            return body
        if isinstance(body, dict) and _is_int(body.get(entity.id_field)) and body[entity.id_field] != 0:
            # Refused rather than ignored: a client that means an update would otherwise create a duplicate.
            return _problem({entity.id_field: [f"{entity.id_field} must be 0 or absent; use PUT or PATCH to update."]})
        values = self._prepare(entity, body)
        if isinstance(values, Response):
            return values
        return JSONResponse(int(self._insert(entity, values).id))

    async def replace_record(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        current = self._find(entity, request.path_params["id"])
        if isinstance(current, Response):
            return current
        body = await _json(request)
        if isinstance(body, Response):
            return body
        if (
            isinstance(body, dict)
            and _is_int(body.get(entity.id_field))
            and body[entity.id_field] not in (0, int(current.id))
        ):
            return _problem({entity.id_field: [f"{entity.id_field} in the body differs from the id in the path."]})
        values = self._prepare(entity, body)
        if isinstance(values, Response):
            return values
        self.store.update(self.name, entity.name, current.id, values)
        return Response(status_code=200)

    async def batch(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        body = await _json(request)
        if isinstance(body, Response):
            return body
        if not isinstance(body, list):
            return _problem({"$": [f"The JSON value could not be converted to List<{entity.prefix}Dto>."]})
        if len(body) > MAX_BATCH:
            return _message(
                400, "BadRequestException", f"At most {MAX_BATCH} {entity.name} per request; got {len(body)}."
            )
        binding: dict[str, list[str]] = {}
        for index, item in enumerate(body):
            binding.update(_bind(entity, item, f"$[{index}]"))
        if binding:
            return _problem(binding)
        with self.store.transaction():
            results = [self._upsert(entity, item) for item in body]
        return JSONResponse(results)

    def _upsert(self, entity: Entity, item: dict[str, Any]) -> str:
        """One PATCH item: the id written (as a string), or the error text."""
        number = item.get(entity.id_field) or 0
        current = self.store.get(self.name, entity.name, str(number)) if number else None
        if number and current is None:
            return f"{entity.id_field}: {entity.prefix} with id {number} does not exist."
        values = _values(entity, item)
        errors = self._check(entity, values)
        if errors:
            return " ".join(f"{field}: {message}" for field, message in errors)
        if current is None:
            return self._insert(entity, values).id
        self.store.update(self.name, entity.name, current.id, values)
        return current.id

    async def delete_record(self, request: Request) -> Response:
        entity = self._entity(request)
        if isinstance(entity, Response):
            return entity
        current = self._find(entity, request.path_params["id"])
        if isinstance(current, Response):
            return current
        with self.store.transaction():
            self.store.delete(self.name, entity.name, current.id)
            if entity.name == "Organisations":
                # An organisation's contact persons go with it.
                for person in self.store.lookup(self.name, "Persons", "PersonOrganisationId", current.id):
                    self.store.delete(self.name, "Persons", person.id)
        return Response(status_code=200)

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for entity, size in seed.populations(world).items():
            self.store.bump_counter(self.name, entity, size)
