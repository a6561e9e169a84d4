"""PowerOffice Go v2 emulator: client-credentials token behind an APIM subscription key, PageNumber paging with
an X-Pagination header, one-record POST, JSON Patch updates, ProblemDetails errors, 10 requests/s."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qs, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.poweroffice import seed
from sandbox.systems.poweroffice.dto import Errors, bind, complete, editable, render, validate
from sandbox.systems.poweroffice.patch import PatchError, apply
from sandbox.systems.poweroffice.schema import (
    CUSTOMER_NUMBER_BASE,
    CUSTOMERS,
    DEPARTMENT_ID_BASE,
    DEPARTMENTS,
    ENTITIES,
    NEW_CUSTOMER_ID_BASE,
    NUMBER_COUNTER,
    Entity,
    address_id,
)
from sandbox.timefmt import iso_us, parse_iso
from sandbox.world import World

APPLICATION_KEY = "6c0e4d1a-8f3b-4b2e-9a57-2d91c4e8b3f0"
CLIENT_KEY = "b7a2f9e4-1c6d-4e8a-bf30-5e7d2a9c1f64"
SUBSCRIPTION_KEY = "3f8e1b6c9d2a4e7f8b1c5d9e2a6f3b7c"
TOKEN_TTL_SECONDS = 1200
DEFAULT_PAGE_SIZE = 5000
MAX_PAGE_SIZE = 20_000
JSON_MEDIA = ("application/json", "text/json", "application/json-patch+json")

APIM_MISSING_KEY = (
    "Access denied due to missing subscription key. Make sure to include subscription key when making "
    "requests to an API."
)
APIM_INVALID_KEY = (
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
)
PROBLEM_TYPES = {
    400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
    409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
    415: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
    500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
}
# ASP.NET's title when a query value does not bind; PowerOffice's own when paging parameters are refused.
BINDING_TITLE = "One or more validation errors occurred."
RESOURCE_TITLE = "Invalid resourceParameter"


class BadParameter(Exception):
    def __init__(self, title: str, name: str, message: str) -> None:
        super().__init__(message)
        self.title, self.name, self.message = title, name, message


def problem(status: int, title: str, detail: str, instance: str, errors: Errors | None = None) -> JSONResponse:
    """An RFC 7807 ProblemDetails answer, as PowerOffice gives on 400/404/409."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPES[status],
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _apim(message: str) -> JSONResponse:
    """Azure API Management's own 401: the gateway refuses before PowerOffice sees the call."""
    return JSONResponse({"statusCode": 401, "message": message}, status_code=401)


def _oauth_error(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


# -- query parameters ---------------------------------------------------------------------------------


def _int(params: dict[str, str], name: str, default: int) -> int:
    text = params.get(name.lower())
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise BadParameter(BINDING_TITLE, name, f"The value '{text}' is not valid for {name}.") from None


def _paging(params: dict[str, str]) -> tuple[int, int]:
    page = _int(params, "PageNumber", 1)
    size = _int(params, "PageSize", DEFAULT_PAGE_SIZE)
    if page < 1:
        raise BadParameter(RESOURCE_TITLE, "PageNumber", "PageNumber must be 1 or more.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadParameter(RESOURCE_TITLE, "PageSize", f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
    order = params.get("orderby", "Id").strip().lower()
    if order not in ("id", "id asc"):
        raise BadParameter(RESOURCE_TITLE, "OrderBy", "The sandbox orders by Id only (OrderBy=Id).")
    return page, size


def _fields(entity: Entity, params: dict[str, str]) -> list[str] | None:
    text = params.get("fields")
    if text is None:
        return None
    spelling = {name.lower(): name for name in entity.dto_fields}
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part.lower() not in spelling]
    if not wanted or unknown:
        raise BadParameter(
            RESOURCE_TITLE, "Fields", f"Fields property in resourceParameter is not formatted correct: {unknown}."
        )
    return [spelling[part.lower()] for part in wanted]


def _time(params: dict[str, str], name: str) -> int | None:
    text = params.get(name.lower())
    if text is None:
        return None
    try:
        return parse_iso(text)
    except ValueError:
        raise BadParameter(BINDING_TITLE, name, f"The value '{text}' is not valid for {name}.") from None


# A Query.where condition's operator and value.
Condition = tuple[Literal["=", "in", "between"], Any]


def _number_ranges(name: str, text: str) -> Condition:
    """ "10000-11000, 12000" -> inclusive ranges; a single number is a range of one."""
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        try:
            bounds = (int(low), int(high) if dash else int(low))
        except ValueError:
            raise BadParameter(BINDING_TITLE, name, f"'{part}' is not a number or a range like 10000-11000.") from None
        if bounds[0] > bounds[1]:
            raise BadParameter(BINDING_TITLE, name, f"The range '{part}' ends before it starts.")
        ranges.append(bounds)
    if not ranges:
        raise BadParameter(BINDING_TITLE, name, f"The value '{text}' is not valid for {name}.")
    return "between", tuple(ranges)


def _equal(name: str, text: str) -> Condition:
    return "=", text


def _one_of(name: str, text: str) -> Condition:
    return "in", tuple(part.strip() for part in text.split(",") if part.strip())


def _boolean(name: str, text: str) -> Condition:
    if text.strip().lower() not in ("true", "false"):
        raise BadParameter(BINDING_TITLE, name, f"The value '{text}' is not valid for {name}.")
    return "=", text.strip().lower() == "true"


# Filters on DTO fields per entity: (query parameter, field, parser of the value into a Query.where condition).
FILTERS: dict[str, tuple[tuple[str, str, Callable[[str, str], Condition]], ...]] = {
    "Customers": (
        ("customerNos", "Number", _number_ranges),
        ("externalNos", "ExternalNumber", _number_ranges),
        ("externalImportReference", "ExternalImportReference", _equal),
    ),
    "Departments": (
        ("codes", "Code", _one_of),
        ("name", "Name", _equal),
        ("isActive", "IsActive", _boolean),
    ),
}
NOT_EMULATED = {"Customers": ("contactGroupIds",), "Departments": ()}


def _query(entity: Entity, params: dict[str, str]) -> Query:
    for name in NOT_EMULATED[entity.name]:
        if name.lower() in params:
            raise BadParameter(BINDING_TITLE, name, f"The sandbox does not emulate the {name} filter.")
    created = entity.created_field[0].lower() + entity.created_field[1:] + "GreaterThan"
    where: list[tuple[str, Literal["=", "in", "between"], Any]] = []
    for name, field, parse in FILTERS[entity.name]:
        if name.lower() in params:
            op, value = parse(name, params[name.lower()])
            where.append((field, op, value))
    return Query(
        modified_gt=_time(params, "lastChangedDateTimeOffsetGreaterThan"),
        created_gt=_time(params, created),
        where=tuple(where),
        order="seq",  # ids grow with insertion order, so this is the API's order by Id
    )


def _page_link(request: Request, number: int) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k.lower() != "pagenumber"]
    return str(request.url.replace(query=urlencode([*items, ("PageNumber", str(number))])))


class PowerOffice(System):
    name = "poweroffice"
    title = "PowerOffice Go"
    auth_paths = ("/OAuth/", "/Demo/OAuth/")
    credentials: ClassVar[dict[str, str]] = {
        "application_key": APPLICATION_KEY,
        "client_key": CLIENT_KEY,
        "subscription_key": SUBSCRIPTION_KEY,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ensure_tables()

    def _ensure_tables(self) -> None:
        """Tables with their lookup indexes up front, so that no write pays for building an index."""
        for entity in ENTITIES.values():
            self.store.ensure(self.name, entity.name, entity.lookups)

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = []
        for prefix in ("", "/Demo"):  # the demo environment has the same API under /Demo
            routes += [
                Route(f"{prefix}/OAuth/Token", self.token, methods=["POST"]),
                Route(prefix + "/v2/{entity}", self.list_records, methods=["GET"]),
                Route(prefix + "/v2/{entity}", self.create_record, methods=["POST"]),
                Route(prefix + "/v2/{entity}/{id}", self.get_record, methods=["GET"]),
                Route(prefix + "/v2/{entity}/{id}", self.patch_record, methods=["PATCH"]),
                Route(prefix + "/v2/{entity}/{id}", self.delete_record, methods=["DELETE"]),
            ]
        return routes

    def rate_windows(self) -> list[Window]:
        return [Window("second", 10, 1.0)]

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        return Response(status_code=429)  # no documented body and no Retry-After

    def server_error(self) -> Response:
        return problem(500, "An error occurred while processing your request.", "", "")

    def unauthorized(self) -> Response:
        """The backend's 401 for a missing or dead bearer token: no body, as ASP.NET's JWT handler answers."""
        return Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    # -- auth ---------------------------------------------------------------------------------------------

    def _subscription_refused(self, request: Request) -> Response | None:
        key = request.headers.get("ocp-apim-subscription-key") or request.query_params.get("subscription-key")
        if key == SUBSCRIPTION_KEY:
            return None
        self.counters.unauthorized += 1
        return _apim(APIM_INVALID_KEY if key else APIM_MISSING_KEY)

    async def token(self, request: Request) -> Response:
        refused = self._subscription_refused(request)
        if refused is not None:
            return refused
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return _oauth_error(400, "invalid_client")
        try:
            keys = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return _oauth_error(400, "invalid_client")
        if keys != f"{APPLICATION_KEY}:{CLIENT_KEY}":
            return _oauth_error(401, "invalid_client")
        form = parse_qs((await request.body()).decode(errors="replace"))
        grant = form.get("grant_type", [None])[0]
        if grant is None:
            return _oauth_error(400, "invalid_request")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type")
        token = self.tokens.issue(self.name, TOKEN_TTL_SECONDS)
        return JSONResponse({"access_token": token, "expires_in": TOKEN_TTL_SECONDS, "token_type": "Bearer"})

    def _guard(self, request: Request) -> Response | Entity:
        """The entity of the path, or the refusal: gateway key first, then the bearer token."""
        refused = self._subscription_refused(request)
        if refused is not None:
            return refused
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not self.tokens.valid(self.name, token.strip()):
            self.counters.unauthorized += 1
            return self.unauthorized()
        entity = ENTITIES.get(request.path_params["entity"].lower())
        if entity is None:
            return Response(status_code=404)
        return entity

    # -- reads --------------------------------------------------------------------------------------------

    async def list_records(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        params = {key.lower(): value for key, value in request.query_params.multi_items()}
        try:
            page, size = _paging(params)
            fields = _fields(entity, params)
            query = _query(entity, params)
        except BadParameter as exc:
            return problem(400, exc.title, exc.message, request.url.path, {exc.name: [exc.message]})
        total = self.store.count(self.name, entity.name, query)
        rows = self.store.select(self.name, entity.name, replace(query, limit=size, offset=(page - 1) * size))
        pages = math.ceil(total / size)
        pagination = {
            "currentPage": page,
            "pageSize": size,
            "totalCount": total,
            "totalPages": pages,
            "nextPageLink": _page_link(request, page + 1) if page < pages else None,
        }
        headers = {"X-Pagination": orjson.dumps(pagination).decode()}
        if not rows:
            return Response(status_code=204, headers=headers)
        dtos = [render(entity, row) for row in rows]
        if fields is not None:
            dtos = [{name: dto[name] for name in fields} for dto in dtos]
        return JSONResponse(dtos, headers=headers)

    async def get_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        found = self._find(request, entity)
        return found if isinstance(found, Response) else JSONResponse(render(entity, found))

    def _find(self, request: Request, entity: Entity) -> Record | Response:
        text = request.path_params["id"]
        try:
            id = int(text)
        except ValueError:
            message = f"The value '{text}' is not valid."
            return problem(400, BINDING_TITLE, message, request.url.path, {"id": [message]})
        record = self.store.get(self.name, entity.name, str(id))
        if record is None:
            return problem(
                404,
                f"{entity.singular} not found error(s)",
                f"{entity.singular} with id = {id} not found.",
                request.url.path,
            )
        return record

    # -- writes -------------------------------------------------------------------------------------------

    async def _body(self, request: Request) -> Any:
        """The parsed JSON body, or the refusal (a Response) when it is not JSON."""
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media not in JSON_MEDIA and not (media.startswith("application/") and media.endswith("+json")):
            detail = f"The body must be JSON; got content type '{media or 'none'}'."
            return problem(415, "Unsupported Media Type", detail, request.url.path)
        try:
            return orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return problem(
                400,
                BINDING_TITLE,
                "The request body is not valid JSON.",
                request.url.path,
                {"$": ["The JSON value could not be parsed."]},
            )

    def _invalid(self, request: Request, entity: Entity, errors: Errors) -> Response:
        detail = " ".join(message for messages in errors.values() for message in messages)
        return problem(400, f"{entity.singular} validation error(s)", detail, request.url.path, errors)

    async def create_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        if not isinstance(body, dict):
            return self._invalid(request, entity, {"$": [f"The body must be one {entity.singular} object."]})
        doc = bind(body, entity)
        errors = validate(entity, doc, creating=True)
        if errors:
            return self._invalid(request, entity, errors)
        data = complete(entity, doc)
        errors = self._consistency(entity, data, None)
        if errors:
            return self._invalid(request, entity, errors)
        if entity is CUSTOMERS:
            id = NEW_CUSTOMER_ID_BASE + self.store.next_number(self.name, entity.name)
            if data["Number"] is None:
                data["Number"] = self._free_number()
            self._stamp_address(id, data, None, changed=True)
        else:
            id = DEPARTMENT_ID_BASE + self.store.next_number(self.name, entity.name)
        record = self.store.create(self.name, entity.name, str(id), data)
        return JSONResponse(
            render(entity, record), status_code=201, headers={"Location": f"{request.url.path}/{record.id}"}
        )

    async def patch_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        current = self._find(request, entity)
        if isinstance(current, Response):
            return current
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        if not isinstance(body, list):
            return self._invalid(request, entity, {"$": ["The body must be a JSON Patch document (an array)."]})
        try:
            patched = apply(editable(entity, current.data), body)
        except PatchError as exc:
            return self._invalid(request, entity, {entity.singular: [str(exc)]})
        doc = bind(patched, entity)
        errors = validate(entity, doc, creating=False)
        if errors:
            return self._invalid(request, entity, errors)
        data = complete(entity, doc)
        errors = self._consistency(entity, data, current)
        if errors:
            return self._invalid(request, entity, errors)
        return JSONResponse(render(entity, self._save(entity, current, data)))

    async def delete_record(self, request: Request) -> Response:
        entity = self._guard(request)
        if isinstance(entity, Response):
            return entity
        current = self._find(request, entity)
        if isinstance(current, Response):
            return current
        if entity is DEPARTMENTS and self.store.lookup(self.name, CUSTOMERS.name, "DepartmentId", current.id):
            return problem(
                409,
                "Department is in use",
                f"Department with id = {current.id} is used by customers and cannot be deleted.",
                request.url.path,
            )
        self.store.delete(self.name, entity.name, current.id)
        return Response(status_code=204)

    def _save(self, entity: Entity, current: Record, data: dict[str, Any]) -> Record:
        """Write a patch. A change inside MailAddress alone stamps the address, not the customer: PowerOffice's
        LastChangedDateTimeOffset ignores sub-entity changes (the documented cursor caveat)."""
        before, after = editable(entity, current.data), editable(entity, data)
        if before == after:
            return current
        touch = True
        if entity is CUSTOMERS:
            address_changed = before["MailAddress"] != after["MailAddress"]
            self._stamp_address(int(current.id), data, current.data["MailAddress"], changed=address_changed)
            before.pop("MailAddress")
            after.pop("MailAddress")
            touch = before != after
        return self.store.update(self.name, entity.name, current.id, data, touch=touch)

    def _stamp_address(
        self, customer_id: int, data: dict[str, Any], previous: dict[str, Any] | None, *, changed: bool
    ) -> None:
        address = data["MailAddress"]
        if address is None:
            return
        previous = previous or {}
        address["Id"] = previous.get("Id") or address_id(customer_id)
        address["LastChangedDateTimeOffset"] = (
            iso_us(self.store.now_us()) if changed else previous.get("LastChangedDateTimeOffset")
        )

    def _consistency(self, entity: Entity, data: dict[str, Any], current: Record | None) -> Errors:
        """Rules against other records: unique values, and the department a customer points to (which also
        fills in its other half, DepartmentId or DepartmentCode)."""
        errors: Errors = {}
        own = current.id if current else None
        unique = ("Number", "ExternalImportReference") if entity is CUSTOMERS else ("Code",)
        for field in unique:
            value = data.get(field)
            if value is not None and any(
                r.id != own for r in self.store.lookup(self.name, entity.name, field, str(value))
            ):
                errors[field] = [f"{field} '{value}' is already used by another {entity.singular.lower()}."]
        if entity is CUSTOMERS:
            self._department(data, current.data if current else {}, errors)
        return errors

    def _department(self, data: dict[str, Any], previous: dict[str, Any], errors: Errors) -> None:
        """DepartmentId wins when it changed; else a changed DepartmentCode is resolved to its department."""
        id, code = data["DepartmentId"], data["DepartmentCode"]
        if id is not None and id != previous.get("DepartmentId"):
            found = self.store.get(self.name, DEPARTMENTS.name, str(id))
            if found is None:
                errors["DepartmentId"] = [f"Department with id = {id} not found."]
            else:
                data["DepartmentCode"] = found.data["Code"]
        elif code is not None and code != previous.get("DepartmentCode"):
            matches = self.store.lookup(self.name, DEPARTMENTS.name, "Code", code)
            if not matches:
                errors["DepartmentCode"] = [f"Department with code = {code} not found."]
            else:
                data["DepartmentId"], data["DepartmentCode"] = int(matches[0].id), matches[0].data["Code"]
        elif id is None or code is None:
            data["DepartmentId"] = data["DepartmentCode"] = None

    def _free_number(self) -> int:
        """The next ledger number of the series that no customer holds (clients may pick numbers too)."""
        while True:
            number = CUSTOMER_NUMBER_BASE + self.store.next_number(self.name, NUMBER_COUNTER)
            if not self.store.lookup(self.name, CUSTOMERS.name, "Number", str(number)):
                return number

    # -- seeding ------------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        self._ensure_tables()
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        self.store.bump_counter(self.name, NUMBER_COUNTER, seed.customer_numbers(world))
        self.store.bump_counter(self.name, DEPARTMENTS.name, world.departments)
