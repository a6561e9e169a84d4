"""Exact Online emulator: OAuth with rotating refresh tokens, OData v2 CRM endpoints, sync feeds, rate
headers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.fields import Field, FieldError, check
from sandbox.ratelimit import Window
from sandbox.store import Query, Record
from sandbox.system import JSONResponse, SeedRow, System
from sandbox.systems.exact import seed
from sandbox.systems.exact.odata import (
    Clause,
    ODataError,
    check_options,
    next_link,
    parse_filter,
    parse_select,
    parse_top,
)
from sandbox.systems.exact.schema import (
    ACCOUNTS,
    CONTACTS,
    COUNTRY_NAMES,
    DELETED_FIELDS,
    DIVISION,
    ENTITIES,
    GUID,
    PAGE_BULK,
    PAGE_REGULAR,
    Entity,
    account_code,
    birth_date,
    guid,
)
from sandbox.timefmt import odata_date
from sandbox.world import World

CLIENT_ID = "6b1f3c2e-8d4a-4f7b-9c15-2e7a0d9b4c31"
CLIENT_SECRET = "sandbox-exact-client-secret"
# A standing grant (as after re-authorising the app in Exact's app centre): always accepted, so the published
# credentials keep working; the refresh tokens the token endpoint hands out rotate and are single-use.
BOOTSTRAP_REFRESH_TOKEN = "sandbox-exact-bootstrap-refresh-token"
# The authorization code the sandbox accepts for grant_type=authorization_code (no /api/oauth2/auth page).
AUTHORIZATION_CODE = "sandbox-exact-authorization-code"
ACCESS_TOKEN_SECONDS = 600

_SINGLE = re.compile(r"^crm/(accounts|contacts)\(guid'([^']*)'\)/?$", re.IGNORECASE)
_COLLECTION = re.compile(r"^(crm|bulk/crm|sync/crm)/(accounts|contacts)/?$", re.IGNORECASE)
_DELETED = re.compile(r"^sync/deleted/?$", re.IGNORECASE)
_ODATA_DATE = re.compile(r"^/Date\((-?\d+)\)/$")
_SERVER_FIELDS = ("ID", "Created", "Modified", "Division", "Timestamp")
_ME_FIELDS = ("CurrentDivision", "UserID", "UserName", "FullName", "Email", "LanguageCode")
_USER_ID = guid("Users", 1)
_DELETED_MODEL = "Exact.Web.Api.Models.Sync.Deleted"


def error(status: int, message: str) -> JSONResponse:
    """Exact's error body: {"error": {"code": "", "message": {"lang": "", "value": ...}}}."""
    body = {"error": {"code": "", "message": {"lang": "", "value": message}}}
    return JSONResponse(body, status_code=status)


def _oauth_error(code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=400)


@dataclass(frozen=True)
class _Listing:
    """What one collection endpoint serves: its entity (None for sync/Deleted), page size and fields."""

    entity: Entity | None
    kind: str  # "crm", "bulk", "sync" or "deleted"

    @property
    def page(self) -> int:
        return PAGE_REGULAR if self.kind == "crm" else PAGE_BULK

    @property
    def fields(self) -> tuple[str, ...]:
        if self.entity is None:
            return DELETED_FIELDS
        return self.entity.sync_fields if self.kind == "sync" else self.entity.fields

    @property
    def model(self) -> str:
        return self.entity.model if self.entity else _DELETED_MODEL


class ExactOnline(System):
    name = "exact"
    title = "Exact Online"
    auth_paths = ("/api/oauth2/",)
    credentials: ClassVar[dict[str, str]] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": BOOTSTRAP_REFRESH_TOKEN,
        "division": str(DIVISION),
    }

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/oauth2/token", self.token, methods=["POST"]),
            Route("/api/v1/current/Me", self.me, methods=["GET"]),
            Route("/api/v1/{division}/{rest:path}", self.dispatch, methods=["GET", "POST", "PUT", "DELETE"]),
        ]

    # -- limits and error shapes ----------------------------------------------------------------------

    def rate_windows(self) -> list[Window]:
        return [Window("minutely", 60, 60), Window("daily", 5000, 86400)]

    def rate_headers(self) -> dict[str, str]:
        now = time.time()
        headers: dict[str, str] = {}
        for window in self.limiter.windows:
            headers.update(self._window_headers(window, now))
        return headers

    def _window_headers(
        self, window: Window, now: float, remaining: int | None = None, reset_at: float | None = None
    ) -> dict[str, str]:
        # With limits off the headers still show the real quotas, as a client pacing itself would read them.
        scale = self.limiter.scale if self.limiter.enabled else 1.0
        prefix = "X-RateLimit-Minutely-" if window.name == "minutely" else "X-RateLimit-"
        return {
            f"{prefix}Limit": str(window.allowance(scale)),
            f"{prefix}Remaining": str(window.remaining(now, scale) if remaining is None else remaining),
            f"{prefix}Reset": str(int((reset_at if reset_at is not None else window.reset_at(now)) * 1000)),
        }

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        # Only the exhausted window's headers are sent (an injected 429 poses as the minutely quota).
        # An injected one resets after retry_after, not after a whole window.
        name = window.name if window is not None else "minutely"
        exhausted = next(w for w in self.limiter.windows if w.name == name)
        now = time.time()
        response = error(429, "API rate limit exceeded")
        response.headers.update(
            self._window_headers(exhausted, now, remaining=0, reset_at=None if window else now + retry_after)
        )
        return response

    def server_error(self) -> Response:
        return error(500, "An internal server error occurred")

    def unauthorized(self) -> Response:
        response = error(401, "Unauthorized: the access token is missing, invalid or expired")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    # -- OAuth ----------------------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        try:
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return _oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
        if form.get("client_id", "").lower() != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _oauth_error("invalid_client", "unknown client_id or wrong client_secret")
        grant = form.get("grant_type")
        if grant == "refresh_token":
            given = form.get("refresh_token", "")
            if given != BOOTSTRAP_REFRESH_TOKEN and not self.tokens.use_refresh(self.name, given):
                return _oauth_error("invalid_grant", "the refresh token is unknown or was already used")
        elif grant == "authorization_code":
            if form.get("code") != AUTHORIZATION_CODE or not form.get("redirect_uri"):
                return _oauth_error("invalid_grant", "unknown authorization code or missing redirect_uri")
        else:
            return _oauth_error("unsupported_grant_type", "use authorization_code or refresh_token")
        response = JSONResponse(
            {
                "access_token": self.tokens.issue(self.name, ACCESS_TOKEN_SECONDS),
                "token_type": "bearer",
                "expires_in": str(ACCESS_TOKEN_SECONDS),
                "refresh_token": self.tokens.new_refresh(self.name),
            }
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def _authorize(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.require(request, token.strip() if scheme.lower() == "bearer" else None)

    # -- routing --------------------------------------------------------------------------------------

    async def me(self, request: Request) -> Response:
        denied = self._authorize(request)
        if denied is not None:
            return denied
        try:
            check_options(request.query_params)
            select = parse_select(request.query_params.get("$select"), _ME_FIELDS, "Exact.Web.Api.System.Me")
        except ODataError as exc:
            return error(400, str(exc))
        me = {
            "CurrentDivision": DIVISION,
            "UserID": _USER_ID,
            "UserName": "sandbox@exact.example",
            "FullName": "Sandbox User",
            "Email": "sandbox@exact.example",
            "LanguageCode": "en-GB",
        }
        item = {
            "__metadata": {
                "uri": f"{self.base_url}/api/v1/current/Me(guid'{_USER_ID}')",
                "type": "Exact.Web.Api.System.Me",
            }
        }
        item.update({name: me[name] for name in select or _ME_FIELDS})
        return JSONResponse({"d": {"results": [item]}})

    async def dispatch(self, request: Request) -> Response:
        denied = self._authorize(request)
        if denied is not None:
            return denied
        division = request.path_params["division"]
        if division != str(DIVISION):
            return error(403, f"Forbidden: no access to division {division}")
        for entity in ENTITIES.values():
            self.store.ensure(self.name, entity.name, entity.eq_fields)
        rest, method = request.path_params["rest"], request.method
        if single := _SINGLE.match(rest):
            entity, id = ENTITIES[single[1].lower()], single[2].lower()
            if not GUID.match(id):
                return error(400, f"guid'{single[2]}' is not a valid key")
            handlers = {"GET": self.get_record, "PUT": self.update_record, "DELETE": self.delete_record}
            if method not in handlers:
                return error(405, f"{method} is not allowed on a single {entity.name[:-1]}")
            return await handlers[method](request, entity, id)
        if collection := _COLLECTION.match(rest):
            kind, entity = collection[1].lower().split("/")[0], ENTITIES[collection[2].lower()]
            if method == "POST" and kind == "crm":
                return await self.create_record(request, entity)
            if method != "GET":
                return error(405, f"{method} is not allowed on {rest}: bulk and sync endpoints are read-only")
            return self.list_records(request, _Listing(entity, kind))
        if _DELETED.match(rest):
            if method != "GET":
                return error(405, f"{method} is not allowed on sync/Deleted")
            return self.list_records(request, _Listing(None, "deleted"))
        return error(404, f"Resource not found: {rest}")

    # -- reads ----------------------------------------------------------------------------------------

    def list_records(self, request: Request, listing: _Listing) -> Response:
        params = request.query_params
        try:
            check_options(params)
            top = parse_top(params.get("$top"), listing.page)
            select = parse_select(params.get("$select"), listing.fields, listing.model)
            if select is None and not (top == 1 and listing.kind == "crm"):
                raise ODataError("$select is mandatory for this endpoint (only $top=1 may leave it out)")
            if "$filter" not in params:
                raise ODataError(_FILTER_REQUIRED[listing.kind])
            clauses = parse_filter(params["$filter"])
            limit = top or listing.page
            entity = listing.entity
            if entity is not None and listing.kind != "sync":
                rows, token = self._regular_page(entity, clauses, params.get("$skiptoken"), limit)
                items = self._render_page(entity, rows, select, sync=False)
            else:
                pairs, token = self._feed_page(listing, clauses, params.get("$skiptoken"), limit)
                items = self._render_feed(listing, pairs, select)
        except ODataError as exc:
            return error(400, str(exc))
        body: dict[str, Any] = {"results": items}
        if token is not None and top is None:
            body["__next"] = next_link(str(request.url.replace(query="")), params, token)
        return JSONResponse({"d": body})

    def _regular_page(
        self, entity: Entity, clauses: list[Clause], skiptoken: str | None, limit: int
    ) -> tuple[list[Record], str | None]:
        """Rows in key order after the $skiptoken (guid'<last ID>'), and the token of the next page."""
        after = self._skip_seq(entity, skiptoken) if skiptoken else 0
        plan = _plan(entity, clauses)
        if plan.id is not None:
            record = self.store.get(self.name, entity.name, plan.id)
            rows = [record] if record is not None and record.seq > after and plan.matches(record) else []
        else:
            rows = self.store.select(self.name, entity.name, plan.query(after, limit + 1))
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (f"guid'{rows[-1].id}'" if more else None)

    def _skip_seq(self, entity: Entity, skiptoken: str) -> int:
        match = re.fullmatch(r"guid'([^']*)'", skiptoken)
        key = match[1].lower() if match else ""
        record = self.store.get(self.name, entity.name, key, include_deleted=True)
        if record is None:
            raise ODataError(f"$skiptoken: {skiptoken!r} is not a token this endpoint returned")
        return record.seq

    def _feed_page(
        self, listing: _Listing, clauses: list[Clause], skiptoken: str | None, limit: int
    ) -> tuple[list[tuple[Entity, Record]], str | None]:
        """Sync rows (live records, or tombstones for sync/Deleted) in Timestamp order after the filter's
        Timestamp and the $skiptoken (the last Timestamp served), each with its entity."""
        after, entities = _feed_filter(clauses, listing.entity)
        if skiptoken is not None:
            if not skiptoken.rstrip("Ll").isdigit():
                raise ODataError(f"$skiptoken: {skiptoken!r} is not a token this endpoint returned")
            after = max(after, int(skiptoken.rstrip("Ll")))
        query = Query(
            version_gt=after,
            order="version",
            limit=limit + 1,
            deleted="only" if listing.entity is None else "exclude",
        )
        # sync/Deleted is one feed over both entities: merge their tombstones by Timestamp.
        pairs = sorted(
            ((e, r) for e in entities for r in self.store.select(self.name, e.name, query)),
            key=lambda pair: pair[1].version,
        )[: limit + 1]
        more = len(pairs) > limit
        pairs = pairs[:limit]
        return pairs, (str(pairs[-1][1].version) if more else None)

    def _render_feed(
        self, listing: _Listing, pairs: list[tuple[Entity, Record]], select: tuple[str, ...] | None
    ) -> list[dict[str, Any]]:
        if listing.entity is not None:
            return self._render_page(listing.entity, [r for _, r in pairs], select, sync=True)
        return [self._deleted_item(e, r, select) for e, r in pairs]

    async def get_record(self, request: Request, entity: Entity, id: str) -> Response:
        try:
            check_options(request.query_params)
            select = parse_select(request.query_params.get("$select"), entity.fields, entity.model)
        except ODataError as exc:
            return error(400, str(exc))
        record = self.store.get(self.name, entity.name, id)
        if record is None:
            return error(404, f"{entity.name[:-1]} guid'{id}' not found")
        return JSONResponse({"d": self._render_page(entity, [record], select, sync=False)[0]})

    def _render_page(
        self, entity: Entity, rows: list[Record], select: tuple[str, ...] | None, *, sync: bool
    ) -> list[dict[str, Any]]:
        names = select or (entity.sync_fields if sync else entity.fields)
        accounts: dict[str, Record | None] = {}
        if entity is CONTACTS and {"AccountName", "IsMainContact"} & set(names):
            for account in {r.data.get("Account") for r in rows} - {None}:
                accounts[account] = self.store.get(self.name, ACCOUNTS.name, account)
        return [self._render(entity, r, names, accounts) for r in rows]

    def _render(
        self, entity: Entity, record: Record, names: tuple[str, ...], accounts: Mapping[str, Record | None]
    ) -> dict[str, Any]:
        data = record.data
        values: dict[str, Any] = {
            "ID": record.id,
            **data,
            "Created": odata_date(record.created_us),
            "Modified": odata_date(record.modified_us),
            "Division": DIVISION,
            "Timestamp": record.version,
        }
        if entity is ACCOUNTS:
            values["CountryName"] = COUNTRY_NAMES.get(data.get("Country") or "")
        else:
            account = accounts.get(data.get("Account") or "")
            parts = (data.get("FirstName"), data.get("MiddleName"), data.get("LastName"))
            values["FullName"] = " ".join(p for p in parts if p) or None
            values["AccountName"] = account.data.get("Name") if account else None
            values["IsMainContact"] = account is not None and account.data.get("MainContact") == record.id
        item: dict[str, Any] = {"__metadata": {"uri": self._uri(entity, record.id), "type": entity.model}}
        item.update((name, values.get(name)) for name in names)
        return item

    def _uri(self, entity: Entity, id: str) -> str:
        return f"{self.base_url}/api/v1/{DIVISION}/crm/{entity.name}(guid'{id}')"

    def _deleted_item(self, entity: Entity, record: Record, select: tuple[str, ...] | None) -> dict[str, Any]:
        values = {
            "ID": guid("Deleted", record.version),
            "EntityKey": record.id,
            "EntityType": entity.entity_type,
            "DeletedDate": odata_date(record.deleted_us or 0),
            "Timestamp": record.version,
            "Division": DIVISION,
        }
        uri = f"{self.base_url}/api/v1/{DIVISION}/sync/Deleted(Timestamp={record.version}L)"
        item: dict[str, Any] = {"__metadata": {"uri": uri, "type": _DELETED_MODEL}}
        item.update((name, values[name]) for name in select or DELETED_FIELDS)
        return item

    # -- writes ---------------------------------------------------------------------------------------

    async def create_record(self, request: Request, entity: Entity) -> Response:
        body = await _json_object(request)
        if isinstance(body, Response):
            return body
        with self.store.transaction():
            problem = self._validate(entity, body, None)
            if problem:
                return error(400, problem)
            number = self.store.next_number(self.name, entity.name)
            data = {**_defaults(entity, number), **_normalized(entity, body)}
            record = self.store.create(self.name, entity.name, guid(entity.name, number), data)
        representation = "return=representation" in request.headers.get("prefer", "").lower()
        if representation:
            item = self._render_page(entity, [record], None, sync=False)[0]
        else:
            # Without the Prefer header Exact answers with the new key and every other property empty.
            item = {"__metadata": {"uri": self._uri(entity, record.id), "type": entity.model}}
            item.update((name, record.id if name == "ID" else None) for name in entity.fields)
        response = JSONResponse({"d": item}, status_code=201)
        response.headers["Location"] = self._uri(entity, record.id)
        return response

    async def update_record(self, request: Request, entity: Entity, id: str) -> Response:
        body = await _json_object(request)
        if isinstance(body, Response):
            return body
        with self.store.transaction():
            current = self.store.get(self.name, entity.name, id)
            if current is None:
                return error(404, f"{entity.name[:-1]} guid'{id}' not found")
            problem = self._validate(entity, body, current)
            if problem:
                return error(400, problem)
            self.store.update(self.name, entity.name, id, {**current.data, **_normalized(entity, body)})
        return Response(status_code=204)

    async def delete_record(self, request: Request, entity: Entity, id: str) -> Response:
        with self.store.transaction():
            record = self.store.delete(self.name, entity.name, id)
            if record is None:
                return error(404, f"{entity.name[:-1]} guid'{id}' not found")
            if entity is ACCOUNTS:
                # A contact belongs to its account: deleting the account deletes its contacts (each one a
                # sync/Deleted entry of its own).
                owned = Query(where=(("Account", "=", id),))
                for contact in self.store.select(self.name, CONTACTS.name, owned):
                    self.store.delete(self.name, CONTACTS.name, contact.id)
            else:
                self._drop_main_contact(record)
        return Response(status_code=204)

    def _drop_main_contact(self, contact: Record) -> None:
        account = self.store.get(self.name, ACCOUNTS.name, contact.data.get("Account") or "")
        if account is not None and account.data.get("MainContact") == contact.id:
            self.store.update(self.name, ACCOUNTS.name, account.id, {**account.data, "MainContact": None})

    def _validate(self, entity: Entity, body: dict[str, Any], current: Record | None) -> str | None:
        """The first rule the write breaks, as Exact's "<field>: <what>" message, or None."""
        errors = check(body, _RULES[entity.name], creating=current is None, unknown="reject")
        if errors:
            return _message(errors[0], entity)
        for field, target in entity.references.items():
            value = body.get(field)
            if value is None:
                continue
            if not GUID.match(value):
                return f"{field}: '{value}' is not a valid guid"
            if self.store.get(self.name, target, value.lower()) is None:
                return f"{field}: no {target[:-1]} with ID guid'{value}' exists"
        if "BirthDate" in body and body["BirthDate"] is not None and _birth_date(body["BirthDate"]) is None:
            return "BirthDate: expected /Date(milliseconds)/ or an ISO-8601 date"
        merged = {**(current.data if current else {}), **body}
        if entity is CONTACTS and not (merged.get("FirstName") or merged.get("LastName")):
            return "LastName: FirstName or LastName is mandatory"
        code = body.get("Code")
        if entity is ACCOUNTS and code:
            taken = self.store.select(
                self.name, ACCOUNTS.name, Query(where=(("Code", "=", account_code(code)),), limit=2)
            )
            if any(r.id != (current.id if current else None) for r in taken):
                return f"Code: '{code.strip()}' is already used by another account"
        return None

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for entity, size in seed.populations(world).items():
            self.store.bump_counter(self.name, entity, size)
        # Build the $filter indexes now rather than on the first call after seeding.
        for entity in ENTITIES.values():
            self.store.ensure(self.name, entity.name, entity.eq_fields)


_FILTER_REQUIRED = {
    "crm": "A required filter is missing: this endpoint has a sync alternative, so $filter is mandatory",
    "bulk": "A required filter is missing: this endpoint has a sync alternative, so $filter is mandatory",
    "sync": "$filter with Timestamp gt <n> is mandatory for sync endpoints",
    "deleted": "$filter with Timestamp gt <n> is mandatory for sync endpoints",
}

# Server-set fields may appear nowhere in a write: they are read-only like the derived ones.
_RULES: dict[str, dict[str, Field]] = {
    e.name: {**e.writable, **{f: Field(read_only=True) for f in (*_SERVER_FIELDS, *e.derived)}}
    for e in ENTITIES.values()
}


@dataclass(frozen=True)
class _Plan:
    """A regular/bulk $filter as store conditions: an ID lookup, Modified and Created bounds, (in)equalities."""

    id: str | None
    modified: dict[str, int]  # "gt", "ge", "lt" -> microseconds
    created_gt: int | None
    where: tuple[tuple[str, Literal["=", "!="], Any], ...]

    def query(self, after_seq: int, limit: int) -> Query:
        return Query(
            modified_gt=self.modified.get("gt"),
            modified_ge=self.modified.get("ge"),
            modified_lt=self.modified.get("lt"),
            created_gt=self.created_gt,
            where=self.where,
            seq_gt=after_seq,
            order="seq",
            limit=limit,
        )

    def matches(self, record: Record) -> bool:
        """The other conditions, checked on the one record an ID filter selects."""
        modified, bounds = record.modified_us, self.modified
        return (
            modified > bounds.get("gt", -1)
            and modified >= bounds.get("ge", -1)
            and modified < bounds.get("lt", modified + 1)
            and record.created_us > (self.created_gt or -1)
            and all((str(record.data.get(f) or "").lower() == str(v).lower()) == (op == "=") for f, op, v in self.where)
        )


def _plan(entity: Entity, clauses: list[Clause]) -> _Plan:
    ids: set[str] = set()
    modified: dict[str, int] = {}
    created_gt: int | None = None
    where: list[tuple[str, Literal["=", "!="], Any]] = []
    for c in clauses:
        if c.field == "ID" and c.op == "eq" and c.kind == "guid":
            ids.add(c.value)
        elif c.field == "Modified" and c.kind == "datetime" and c.op != "eq":
            _tighten(modified, c.op, c.value)
        elif c.field == "Created" and c.kind == "datetime" and c.op in ("gt", "ge"):
            bound = c.value if c.op == "gt" else c.value - 1
            created_gt = bound if created_gt is None else max(created_gt, bound)
        elif c.field in entity.eq_fields and c.op in ("eq", "ne"):
            wanted = "guid" if c.field in entity.references else "string"
            if c.kind != wanted:
                raise ODataError(f"$filter: {c.field} compares with a {wanted} literal")
            value = account_code(c.value) if c.field == "Code" else c.value
            where.append((c.field, "=" if c.op == "eq" else "!=", value))
        else:
            raise ODataError(
                f"$filter: '{c.field} {c.op}' is not supported on {entity.name}; the sandbox supports "
                "ID eq guid'..', Modified gt|ge|lt|le datetime'..', Created gt|ge datetime'..' and eq / ne on "
                + ", ".join(entity.eq_fields)
            )
    # Two different IDs match nothing: a key no record has stands for that.
    id = (ids.pop() if len(ids) == 1 else guid("None", 0)) if ids else None
    return _Plan(id, modified, created_gt, tuple(where))


def _tighten(bounds: dict[str, int], op: str, value: int) -> None:
    if op == "le":
        op, value = "lt", value + 1
    pick = min if op == "lt" else max
    bounds[op] = pick(bounds[op], value) if op in bounds else value


def _feed_filter(clauses: list[Clause], entity: Entity | None) -> tuple[int, list[Entity]]:
    """(Timestamp lower bound, entities) of a sync $filter: Timestamp gt|ge n, and on sync/Deleted (entity
    None) optionally EntityType eq n."""
    after: int | None = None
    entities = [entity] if entity is not None else list(ENTITIES.values())
    for c in clauses:
        if c.field == "Timestamp" and c.op in ("gt", "ge") and c.kind == "int":
            bound = c.value if c.op == "gt" else c.value - 1
            after = bound if after is None else max(after, bound)
        elif entity is None and c.field == "EntityType" and c.op == "eq" and c.kind == "int":
            entities = [e for e in entities if e.entity_type == c.value]
        else:
            allowed = "Timestamp gt|ge <n>" + (" and EntityType eq <n>" if entity is None else "")
            raise ODataError(f"$filter: '{c.field} {c.op}' is not supported here; use {allowed}")
    if after is None:
        raise ODataError(_FILTER_REQUIRED["sync"])
    return after, entities


def _message(problem: FieldError, entity: Entity) -> str:
    if problem.code == "unknown":
        return f"{problem.field}: property does not exist on type '{entity.model}'"
    if problem.code == "read_only":
        return f"{problem.field}: is read-only and set by the server"
    return f"{problem.field}: {problem.message.removeprefix(problem.field + ' ')}"


def _defaults(entity: Entity, number: int) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(entity.writable)
    if entity is ACCOUNTS:
        values.update(Code=account_code(str(number)), Status="C", IsSupplier=False, Blocked=False)
    return values


def _normalized(entity: Entity, body: dict[str, Any]) -> dict[str, Any]:
    """A valid write body as stored: codes right-aligned, GUIDs lower case, dates as /Date(ms)/."""
    values = dict(body)
    if values.get("Code"):
        values["Code"] = account_code(values["Code"])
    for field in entity.references:
        if values.get(field):
            values[field] = values[field].lower()
    if values.get("BirthDate") is not None:
        values["BirthDate"] = _birth_date(values["BirthDate"])
    return values


def _birth_date(value: Any) -> str | None:
    """A write's BirthDate as /Date(ms)/ at midnight UTC, or None when it is not a date."""
    if not isinstance(value, str):
        return None
    match = _ODATA_DATE.match(value)
    if match:
        return value
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return birth_date(day)


async def _json_object(request: Request) -> dict[str, Any] | Response:
    try:
        body = await request.json()
    except ValueError:
        return error(400, "The request body is not valid JSON")
    if not isinstance(body, dict):
        return error(400, "The request body must be one JSON object (Exact does not batch writes)")
    return body
