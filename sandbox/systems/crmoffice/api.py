"""CRMOffice emulator: IdentityServer token endpoint, Bearer JWTs, an ASP.NET Core REST API over companies and
contacts with page/pageSize paging, an updatedSince filter, single-record writes and ProblemDetails errors."""

from __future__ import annotations

import base64
import math
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.crmoffice import seed
from sandbox.systems.crmoffice.schema import ENTITIES, Entity, record_id
from sandbox.systems.crmoffice.validation import Errors, to_record
from sandbox.timefmt import iso_us, parse_iso
from sandbox.world import World

CLIENT_ID = "sandbox-crmoffice-client"
CLIENT_SECRET = "sandbox-crmoffice-secret"
SCOPES = ("crmoffice", "offline_access")
TOKEN_SECONDS = 3600
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAX_INT32 = 2**31 - 1
REQUESTS_PER_MINUTE = 300
NOT_JSON = "The request body is not valid JSON. Path: $."

_RFC7231 = "https://tools.ietf.org/html/rfc7231#section-"
PROBLEMS = {
    400: (_RFC7231 + "6.5.1", "One or more validation errors occurred."),
    404: (_RFC7231 + "6.5.4", "Not Found"),
    415: (_RFC7231 + "6.5.13", "Unsupported Media Type"),
    500: (_RFC7231 + "6.6.1", "An error occurred while processing your request."),
}

Handler = Callable[[Request], Awaitable[Response]]


class Refused(Exception):
    """Raised by the request checks with the answer to send instead of the handler's."""

    def __init__(self, response: Response) -> None:
        self.response = response


def problem(status: int, **extra: Any) -> JSONResponse:
    """ASP.NET Core's ProblemDetails body, with the W3C trace id it adds."""
    type_, title = PROBLEMS[status]
    trace = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"
    body = {"type": type_, "title": title, "status": status, **extra, "traceId": trace}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def validation_problem(errors: Errors) -> JSONResponse:
    return problem(400, errors=errors)


def oauth_error(error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=400, headers={"Cache-Control": "no-store"})


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


class CRMOffice(System):
    name = "crmoffice"
    title = "CRMOffice"
    auth_paths = ("/connect/",)
    credentials: ClassVar[dict[str, str]] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/connect/token", self.token, methods=["POST"]),
            Route("/{entity}", _answering(self.list_records), methods=["GET"]),
            Route("/{entity}", _answering(self.create), methods=["POST"]),
            Route("/{entity}/{id}", _answering(self.get_record), methods=["GET"]),
            Route("/{entity}/{id}", _answering(self.replace), methods=["PUT"]),
            Route("/{entity}/{id}", _answering(self.delete_record), methods=["DELETE"]),
        ]

    def rate_windows(self) -> list[Window]:
        return [Window("minute", REQUESTS_PER_MINUTE, 60.0)]

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        # ASP.NET Core's rate limiter answers 429 with an empty body; the API adds Retry-After in seconds.
        return Response(status_code=429, headers={"Retry-After": str(max(1, math.ceil(retry_after)))})

    def server_error(self) -> Response:
        return problem(500)

    def unauthorized(self) -> Response:
        return Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    # -- token endpoint (IdentityServer) --------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return oauth_error("invalid_request")
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        if _client(request, form) != (CLIENT_ID, CLIENT_SECRET):
            return oauth_error("invalid_client")
        grant = form.get("grant_type")
        if grant == "client_credentials":
            scopes = tuple(form.get("scope", " ".join(SCOPES)).split())
            if not scopes or not set(scopes) <= set(SCOPES):
                return oauth_error("invalid_scope")
        elif grant == "refresh_token":
            if not self.tokens.use_refresh(self.name, form.get("refresh_token", "")):
                return oauth_error("invalid_grant")
            scopes = SCOPES  # only offline_access grants are given refresh tokens
        else:
            return oauth_error("unsupported_grant_type")
        return self._issue(scopes)

    def _issue(self, scopes: tuple[str, ...]) -> JSONResponse:
        now = int(time.time())
        claims = {
            "iss": self.base_url,
            "nbf": now,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "aud": "crmoffice",
            "scope": list(scopes),
            "client_id": CLIENT_ID,
            "jti": uuid.uuid4().hex.upper(),
        }
        # A JWT's look (header.claims.signature) so clients may read exp; the sandbox checks it by lookup.
        prefix = f"{_b64({'alg': 'RS256', 'kid': 'sandbox', 'typ': 'at+jwt'})}.{_b64(claims)}."
        body: dict[str, Any] = {
            "access_token": self.tokens.issue(self.name, TOKEN_SECONDS, prefix),
            "expires_in": TOKEN_SECONDS,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
        }
        if "offline_access" in scopes:
            body["refresh_token"] = self.tokens.new_refresh(self.name)
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    # -- request checks -------------------------------------------------------------------------------

    def _target(self, request: Request) -> tuple[Entity, str | None]:
        """The entity and the record id of the path; routing (404, empty body) comes before auth, as in
        ASP.NET, where an id that is not a GUID fails the {id:guid} route constraint."""
        entity = ENTITIES.get(request.path_params["entity"])
        if entity is None:
            raise Refused(Response(status_code=404))
        id = request.path_params.get("id")
        if id is not None:
            try:
                id = str(uuid.UUID(id))
            except ValueError:
                raise Refused(Response(status_code=404)) from None
        self._authorize(request)
        return entity, id

    def _authorize(self, request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self.counters.unauthorized += 1
            raise Refused(Response(status_code=401, headers={"WWW-Authenticate": "Bearer"}))
        refusal = self.require(request, token.strip())
        if refusal is not None:
            raise Refused(refusal)

    async def _record_from_body(self, request: Request, entity: Entity) -> dict[str, Any]:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not (kind.startswith("application/") and kind.endswith("+json")):
            raise Refused(problem(415))
        raw = await request.body()
        if not raw.strip():
            raise Refused(validation_problem({"": ["A non-empty request body is required."]}))
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise Refused(validation_problem({"$": [NOT_JSON]})) from None
        values, errors = to_record(entity, body)
        if errors:
            raise Refused(validation_problem(errors))
        return values

    def _check_references(self, entity: Entity, values: dict[str, Any]) -> None:
        errors: Errors = {}
        for field, (target, _) in entity.references.items():
            ref = values.get(field)
            if ref is not None and self.store.get(self.name, target, ref["id"]) is None:
                errors[f"{field}.id"] = [f"There is no {field} with id '{ref['id']}'."]
        if errors:
            raise Refused(validation_problem(errors))

    def _existing(self, entity: Entity, id: str) -> Record:
        record = self.store.get(self.name, entity.name, id)
        if record is None:
            raise Refused(problem(404))
        return record

    # -- rendering ------------------------------------------------------------------------------------

    def _render(self, entity: Entity, records: list[Record]) -> list[dict[str, Any]]:
        names = self._reference_names(entity, records)
        items = []
        for record in records:
            item = {"id": record.id, **record.data}
            for field in entity.references:
                ref = record.data.get(field)
                if ref is not None:
                    item[field] = {"id": ref["id"], "name": names.get(ref["id"])}
            item["createdAt"] = iso_us(record.created_us)
            item["updatedAt"] = iso_us(record.modified_us)
            items.append(item)
        return items

    def _reference_names(self, entity: Entity, records: list[Record]) -> dict[str, Any]:
        """Each referenced record's display field, read once per page (the target may have been renamed)."""
        names: dict[str, Any] = {}
        for field, (target, shown) in entity.references.items():
            ids = {r.data[field]["id"] for r in records if r.data.get(field)}
            for id in ids - names.keys():
                found = self.store.get(self.name, target, id)
                names[id] = found.data.get(shown) if found else None
        return names

    # -- endpoints ------------------------------------------------------------------------------------

    async def list_records(self, request: Request) -> Response:
        entity, _ = self._target(request)
        page, size, since = _list_arguments(request)
        # Creation order is stable while records change; with updatedSince, (updatedAt, creation) order lets
        # a client resume from the last updatedAt it saw. One row more than the page tells whether more follow
        # (no total count: counting would cost a scan of the table on every page).
        rows = self.store.select(
            self.name,
            entity.name,
            Query(
                modified_ge=since,
                order="seq" if since is None else "modified",
                limit=size + 1,
                offset=(page - 1) * size,
            ),
        )
        return JSONResponse(
            {
                "items": self._render(entity, rows[:size]),
                "page": page,
                "pageSize": size,
                "hasMore": len(rows) > size,
            }
        )

    async def get_record(self, request: Request) -> Response:
        entity, id = self._target(request)
        return JSONResponse(self._render(entity, [self._existing(entity, str(id))])[0])

    async def create(self, request: Request) -> Response:
        entity, _ = self._target(request)
        values = await self._record_from_body(request, entity)
        self._check_references(entity, values)
        id = record_id(entity.name, self.store.next_number(self.name, entity.name))
        record = self.store.create(self.name, entity.name, id, values)
        return JSONResponse(
            self._render(entity, [record])[0],
            status_code=201,
            headers={"Location": f"{self.base_url}/{entity.name}/{id}"},
        )

    async def replace(self, request: Request) -> Response:
        entity, id = self._target(request)
        values = await self._record_from_body(request, entity)
        current = self._existing(entity, str(id))
        self._check_references(entity, values)
        record = self.store.update(self.name, entity.name, current.id, values)
        return JSONResponse(self._render(entity, [record])[0])

    async def delete_record(self, request: Request) -> Response:
        entity, id = self._target(request)
        with self.store.transaction():
            if self.store.delete(self.name, entity.name, str(id)) is None:
                return problem(404)
            self._detach_referrers(entity, str(id))
        return Response(status_code=204)

    def _detach_referrers(self, entity: Entity, id: str) -> None:
        """Records pointing at a deleted one lose the reference (and so show up as changed)."""
        for other in ENTITIES.values():
            for field, (target, _) in other.references.items():
                if target != entity.name:
                    continue
                for record in self.store.lookup(self.name, other.name, f"{field}.id", id):
                    self.store.update(self.name, other.name, record.id, {**record.data, field: None})

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for entity, size in seed.populations(world).items():
            self.store.bump_counter(self.name, entity, size)


def _answering(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refused:
            return refused.response

    return endpoint


def _client(request: Request, form: dict[str, str]) -> tuple[str | None, str | None]:
    """The client's id and secret: HTTP Basic (client_secret_basic) or form fields (client_secret_post)."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(encoded, validate=True).decode()
        except ValueError:
            return None, None
        client_id, _, secret = pair.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id"), form.get("client_secret")


def _list_arguments(request: Request) -> tuple[int, int, int | None]:
    """page, pageSize and updatedSince (microseconds), or a ProblemDetails naming every bad one. Query keys
    are case-insensitive, as in ASP.NET model binding."""
    params = {key.lower(): value for key, value in request.query_params.items()}
    errors: Errors = {}
    page = _int_argument(params, "page", 1, MAX_INT32, 1, errors)
    size = _int_argument(params, "pageSize", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, errors)
    since = None
    if params.get("updatedsince"):
        try:
            since = parse_iso(params["updatedsince"])
        except ValueError:
            errors["updatedSince"] = [f"The value '{params['updatedsince']}' is not valid for updatedSince."]
    if errors:
        raise Refused(validation_problem(errors))
    return page, size, since


def _int_argument(args: dict[str, str], name: str, low: int, high: int, default: int, errors: Errors) -> int:
    text = args.get(name.lower())
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or abs(value) > MAX_INT32:
        errors[name] = [f"The value '{text}' is not valid for {name}."]
        return default
    if not low <= value <= high:
        errors[name] = [f"The field {name} must be between {low} and {high}."]
    return value
