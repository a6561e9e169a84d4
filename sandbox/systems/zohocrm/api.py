"""Zoho CRM emulator: OAuth refresh grant, Zoho-oauthtoken header, /crm/v{2..8}/{module} with the 2,000-record
page window and page tokens beyond it, If-Modified-Since, batch writes with per-record results (201/200/207/400),
upsert, delete and the deleted-records feed, the module and field metadata SDKs read first (metadata.py), and the
rolling 24-hour API credit limit."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.auth import Tokens
from sandbox.fields import FieldError, check
from sandbox.ratelimit import Limiter, Verdict, Window
from sandbox.store import Query, Record, Store
from sandbox.system import JSONResponse, SeedRow, Settings, System
from sandbox.systems.zohocrm import metadata, seed
from sandbox.systems.zohocrm.paging import PAGE_TOKEN_TTL, PAGE_WINDOW, SORTS, TOKEN_WALK_LIMIT, Walk
from sandbox.systems.zohocrm.schema import DATA_TYPES, META_FIELDS, MODULES, SERVER_FIELDS, USER, Module
from sandbox.timefmt import iso_seconds, parse_iso
from sandbox.world import World

CLIENT_ID = "1000.SANDBOXCLIENTID"
CLIENT_SECRET = "sandbox-zoho-client-secret"
REFRESH_TOKEN = "1000.sandbox-zoho-refresh-token"
SCOPE = "ZohoCRM.modules.ALL"
ACCESS_TOKEN_TTL = 3600

API_VERSIONS = frozenset(f"v{n}" for n in range(2, 9))
MAX_FIELDS = 50
MAX_PER_PAGE = 200
MAX_BATCH = 100
DELETED_TYPES = ("all", "recycle", "permanent")
Mode = Literal["create", "update", "upsert"]


# -- error shapes -------------------------------------------------------------------------------------


def _error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "details": details or {}, "message": message, "status": "error"}, status)


def _bad_param(name: str, code: str = "INVALID_DATA", message: str = "invalid data", **extra: Any) -> JSONResponse:
    return _error(400, code, message, {**extra, "param_name": name})


def _item(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    """One per-record result of a batch call."""
    return {"code": code, "details": details, "message": message, "status": "error" if code != "SUCCESS" else "success"}


def _batch_status(results: list[dict[str, Any]], all_ok: int) -> int:
    succeeded = sum(r["status"] == "success" for r in results)
    if succeeded == len(results):
        return all_ok
    return 400 if succeeded == 0 else 207


def _no_route() -> JSONResponse:
    return _error(404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one")


# -- limits -------------------------------------------------------------------------------------------


class _Limits(Limiter):
    """The Gate's credit window, plus the token endpoint's own window: token calls bypass the Gate, so the
    handler asks this one; both follow the admin API's scale and reset."""

    def __init__(self, windows: list[Window], scale: float) -> None:
        super().__init__(windows, scale)
        # At most 10 access tokens per refresh token in 10 minutes (the sandbox has one refresh token).
        self._tokens = Limiter([Window("tokens", 10, 600)], scale)

    def token_hit(self) -> Verdict:
        self._tokens.scale = self.scale
        return self._tokens.hit()

    def reset(self) -> None:
        super().reset()
        self._tokens.reset()


class ZohoCRM(System):
    name = "zohocrm"
    title = "Zoho CRM"
    credentials: ClassVar[dict[str, str]] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    auth_paths: ClassVar[tuple[str, ...]] = ("/oauth/",)
    max_concurrency: ClassVar[int | None] = 10  # Standard edition

    def __init__(self, store: Store, tokens: Tokens, settings: Settings) -> None:
        super().__init__(store, tokens, settings)
        self.limiter: _Limits = _Limits(self.rate_windows(), settings.rate_scale)

    def routes(self) -> list[BaseRoute]:
        crm = "/crm/{version}/{module}"
        return [
            Route("/oauth/v2/token", self.token, methods=["POST"]),
            # Before {module}: "settings" is no module.
            Route("/crm/{version}/settings/modules", self.module_metadata, methods=["GET"]),
            Route("/crm/{version}/settings/fields", self.field_metadata, methods=["GET"]),
            Route(f"{crm}/deleted", self.deleted, methods=["GET"]),
            Route(f"{crm}/upsert", self.upsert, methods=["POST"]),
            Route(crm, self.list_records, methods=["GET"]),
            Route(crm, self.create, methods=["POST"]),
            Route(crm, self.update_many, methods=["PUT"]),
            Route(crm, self.delete_many, methods=["DELETE"]),
            Route(crm + "/{id}", self.get_record, methods=["GET"]),
            Route(crm + "/{id}", self.update_one, methods=["PUT"]),
            Route(crm + "/{id}", self.delete_one, methods=["DELETE"]),
            Route("/{path:path}", self.unknown_path, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]

    def rate_windows(self) -> list[Window]:
        # 1 credit per call against the paid-edition base of 50,000 credits per rolling 24 hours.
        return [Window("credits", 50_000, 86_400)]

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        message = (
            "You have exceeded the API credit limit of your edition for the last 24 hours"
            if window is not None
            else "You have made too many requests; please try again after some time"
        )
        return _error(429, "TOO_MANY_REQUESTS", message)

    def server_error(self) -> Response:
        return _error(500, "INTERNAL_ERROR", "Internal Server Error")

    def unauthorized(self) -> Response:
        return _error(401, "INVALID_TOKEN", "invalid oauth token")

    # -- auth -----------------------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        """The refresh grant; Zoho answers bad credentials with HTTP 200 and an "error" member."""
        params = dict(request.query_params)
        params.update(parse_qsl((await request.body()).decode(errors="replace")))
        if params.get("grant_type") != "refresh_token":
            return JSONResponse({"error": "unsupported_grant_type"})
        if params.get("client_id") != CLIENT_ID:
            return JSONResponse({"error": "invalid_client"})
        if params.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client_secret"})
        if params.get("refresh_token") != REFRESH_TOKEN:
            return JSONResponse({"error": "invalid_code"})
        if not self.limiter.token_hit().allowed:
            return JSONResponse(
                {
                    "error_description": "You have made too many requests continuously. "
                    "Please try again after some time.",
                    "error": "Access Denied",
                    "status": "failure",
                },
                400,
            )
        return JSONResponse(
            {
                "access_token": self.tokens.issue(self.name, ACCESS_TOKEN_TTL, prefix="1000."),
                "scope": SCOPE,
                "api_domain": self.base_url,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_TTL,
            }
        )

    def _denied(self, request: Request) -> Response | None:
        """The answer to a bad version or a missing / wrong token; None when the call may go on."""
        if request.path_params["version"] not in API_VERSIONS:
            return _no_route()
        header = request.headers.get("authorization", "").strip()
        if not header:
            self.counters.unauthorized += 1
            return _error(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        scheme, _, token = header.partition(" ")
        return self.require(request, token.strip() if scheme.lower() == "zoho-oauthtoken" else None)

    def _guard(self, request: Request) -> Module | Response:
        """The module of the path, or the answer to a bad version, missing/wrong token or unknown module."""
        denied = self._denied(request)
        if denied is not None:
            return denied
        module = MODULES.get(request.path_params["module"])
        if module is None:
            return _error(
                400, "INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}
            )
        return module

    async def unknown_path(self, request: Request) -> Response:
        return _no_route()

    # -- metadata -------------------------------------------------------------------------------------

    async def module_metadata(self, request: Request) -> Response:
        return self._denied(request) or JSONResponse(metadata.modules())

    async def field_metadata(self, request: Request) -> Response:
        denied = self._denied(request)
        if denied is not None:
            return denied
        name = request.query_params.get("module")
        if not name:
            return _bad_param("module", "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing")
        module = MODULES.get(name)
        if module is None:
            return _bad_param("module", "INVALID_MODULE", "the module name given seems to be invalid")
        return JSONResponse(metadata.fields(module))

    # -- reads ----------------------------------------------------------------------------------------

    async def list_records(self, request: Request) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        params = request.query_params
        if not params.get("fields"):
            return _bad_param("fields", "REQUIRED_PARAM_MISSING", "required param is missing")
        fields = _fields(module, params["fields"])
        if isinstance(fields, Response):
            return fields
        per_page = _per_page(params)
        if isinstance(per_page, Response):
            return per_page
        since = _since(request)
        if isinstance(since, Response):
            return since
        if "page_token" in params:
            walk = self._token_walk(module, params, since)
        else:
            walk = _page_walk(module, params, since, per_page)
        if isinstance(walk, Response):
            return walk
        rows, more, before = self._page(module, walk, per_page)
        if not rows:
            return Response(status_code=304 if since is not None else 204)
        expiry = int(time.time()) + PAGE_TOKEN_TTL
        following = replace(walk, after=walk.key(rows[-1]), offset=walk.offset + len(rows), backward=False)
        preceding = replace(walk, after=walk.key(rows[0]), offset=max(0, walk.offset - per_page), backward=True)
        names: dict[tuple[str, str], dict[str, str] | None] = {}
        return JSONResponse(
            {
                "data": [self._render(module, r, fields, names) for r in rows],
                "info": {
                    "per_page": per_page,
                    "count": len(rows),
                    "page": walk.offset // per_page + 1,
                    "sort_by": walk.sort_by,
                    "sort_order": "desc" if walk.descending else "asc",
                    "more_records": more,
                    "next_page_token": replace(following, expiry=expiry).token() if more else None,
                    "previous_page_token": replace(preceding, expiry=expiry).token() if before else None,
                    "page_token_expiry": iso_seconds(expiry * 1_000_000) if more or before else None,
                },
            }
        )

    def _token_walk(self, module: Module, params: Mapping[str, str], since: int | None) -> Walk | Response:
        """The walk a page token continues; it is bound to the module, sort and filter it was issued for."""
        try:
            walk = Walk.parse(params["page_token"])
        except ValueError:
            return _bad_param("page_token")
        if walk.expiry < time.time():
            return _error(
                400,
                "EXPIRED_VALUE",
                "Page token expired",
                {"api_name": "page_token", "json_path": "$.query.page_token"},
            )
        sort_order = "desc" if walk.descending else "asc"
        for name, bound in (
            ("page_token", walk.module == module.name),
            ("sort_by", params.get("sort_by", walk.sort_by) == walk.sort_by),
            ("sort_order", params.get("sort_order", sort_order) == sort_order),
            ("If-Modified-Since", since is None or since == walk.since),
        ):
            if not bound:
                return _bad_param(name, "TOKEN_BOUND_DATA_MISMATCH", "the given param is not bound to the page_token")
        if walk.offset >= TOKEN_WALK_LIMIT:
            return _bad_param(
                "page_token",
                "PAGINATION_LIMIT_EXCEEDED",
                f"You can only get upto {TOKEN_WALK_LIMIT} records using page_token param",
            )
        return walk

    def _page(self, module: Module, walk: Walk, per_page: int) -> tuple[list[Record], bool, bool]:
        """The page's records in walk order, whether records follow it, and whether records precede it."""
        if walk.backward:
            # Read towards the walk's start from the later page's first row, then turn the page around.
            query = Query(
                modified_gt=walk.since,
                order=walk.order,
                descending=not walk.descending,
                after=walk.after,
                limit=per_page + 1,
            )
            rows = self.store.select(self.name, module.name, query)
            return rows[:per_page][::-1], True, len(rows) > per_page
        query = Query(
            modified_gt=walk.since,
            order=walk.order,
            descending=walk.descending,
            after=walk.after,
            offset=0 if walk.after is not None else walk.offset,
            limit=per_page + 1,
        )
        rows = self.store.select(self.name, module.name, query)
        return rows[:per_page], len(rows) > per_page, walk.offset > 0

    async def get_record(self, request: Request) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        params = request.query_params
        fields = _fields(module, params["fields"]) if params.get("fields") else _all_fields(module)
        since = _since(request)
        if isinstance(fields, Response):
            return fields
        if isinstance(since, Response):
            return since
        record = self.store.get(self.name, module.name, request.path_params["id"])
        if record is None:
            return Response(status_code=204)
        if since is not None and record.modified_us <= since:
            return Response(status_code=304)
        return JSONResponse({"data": [self._render(module, record, fields, {})]})

    def _render(
        self,
        module: Module,
        record: Record,
        fields: list[str],
        names: dict[tuple[str, str], dict[str, str] | None],
    ) -> dict[str, Any]:
        """The requested fields of one record plus its id; `names` caches looked-up records' names per page."""
        out: dict[str, Any] = {"id": record.id}
        for name in fields:
            if name in ("Owner", "Created_By", "Modified_By"):
                out[name] = USER
            elif name == "Created_Time":
                out[name] = iso_seconds(record.created_us)
            elif name == "Modified_Time":
                out[name] = iso_seconds(record.modified_us)
            elif name in module.computed:
                out[name] = module.computed[name](record.data)
            elif name in module.lookups:
                out[name] = self._lookup(module.lookups[name], record.data.get(name), names)
            elif name != "id":
                out[name] = record.data.get(name)
        return out

    def _lookup(
        self, target: str, ref: str | None, names: dict[tuple[str, str], dict[str, str] | None]
    ) -> dict[str, str] | None:
        """A lookup as {"id", "name"} with the referenced record's current name; null once it is deleted."""
        if ref is None:
            return None
        if (target, ref) not in names:
            found = self.store.get(self.name, target, ref)
            names[target, ref] = {"id": ref, "name": MODULES[target].display(found.data) or ""} if found else None
        return names[target, ref]

    async def deleted(self, request: Request) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        params = request.query_params
        kind = params.get("type", "all")
        if kind not in DELETED_TYPES:
            return _bad_param("type", supported_values=list(DELETED_TYPES))
        per_page = _per_page(params)
        if isinstance(per_page, Response):
            return per_page
        page = _int_param(params, "page", 1)
        if isinstance(page, Response):
            return page
        since = _since(request)
        if isinstance(since, Response):
            return since
        rows: list[Record] = []
        if kind != "permanent":  # API deletes go to the recycle bin, which the sandbox never empties
            query = Query(
                deleted="only",
                order="deleted",
                descending=True,
                deleted_ge=None if since is None else since + 1,
                offset=(page - 1) * per_page,
                limit=per_page + 1,
            )
            rows = self.store.select(self.name, module.name, query)
        if not rows:
            return Response(status_code=304 if since is not None else 204)
        return JSONResponse(
            {
                "data": [_deleted_item(module, r) for r in rows[:per_page]],
                "info": {
                    "per_page": per_page,
                    "count": min(len(rows), per_page),
                    "page": page,
                    "more_records": len(rows) > per_page,
                },
            }
        )

    # -- writes ---------------------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        return await self._batch(request, "create")

    async def update_many(self, request: Request) -> Response:
        return await self._batch(request, "update")

    async def update_one(self, request: Request) -> Response:
        return await self._batch(request, "update", request.path_params["id"])

    async def upsert(self, request: Request) -> Response:
        return await self._batch(request, "upsert")

    async def _batch(self, request: Request, mode: Mode, record_id: str | None = None) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return _error(
                400, "INVALID_DATA", "the request body is not valid JSON", {"expected_data_type": "jsonobject"}
            )
        if not isinstance(body, dict) or "data" not in body:
            return _error(
                400, "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "data", "json_path": "$.data"}
            )
        items = body["data"]
        if not isinstance(items, list) or not items:
            return _error(
                400,
                "INVALID_DATA",
                "invalid data",
                {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"},
            )
        limit = 1 if record_id is not None else MAX_BATCH
        if len(items) > limit:
            details = {"maximum_length": limit, "api_name": "data"}
            message = "count of records in your request exceeds the limit"
            return JSONResponse({"data": [_item("LIMIT_EXCEEDED", message, details)]}, 400)
        keys = _duplicate_check_fields(module, body.get("duplicate_check_fields")) if mode == "upsert" else ()
        if isinstance(keys, Response):
            return keys
        with self.store.transaction():
            results = [self._write(module, mode, i, item, record_id, keys) for i, item in enumerate(items)]
        return JSONResponse({"data": results}, _batch_status(results, 201 if mode == "create" else 200))

    def _write(
        self, module: Module, mode: Mode, index: int, item: Any, record_id: str | None, keys: tuple[str, ...]
    ) -> dict[str, Any]:
        """Validate and apply one record of a batch; the result item in Zoho's shape."""
        path = f"$.data[{index}]"
        if not isinstance(item, dict):
            return _item(
                "INVALID_DATA",
                "invalid data",
                {"expected_data_type": "jsonobject", "api_name": "data", "json_path": path},
            )
        values = {
            k: v
            for k, v in item.items()
            if k not in SERVER_FIELDS and k not in module.computed and k != "id" and not k.startswith("$")
        }
        owner = values.pop("Owner", None)
        if owner is not None and (owner.get("id") if isinstance(owner, dict) else owner) != USER["id"]:
            return _item("INVALID_DATA", "invalid data", {"api_name": "Owner", "json_path": f"{path}.Owner"})
        current: Record | None = None
        matched: str | None = None
        if mode == "update":
            target = record_id if record_id is not None else item.get("id")
            if target is None:
                return _item(
                    "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "id", "json_path": f"{path}.id"}
                )
            current = self.store.get(self.name, module.name, str(target))
            if current is None:
                return _item(
                    "INVALID_DATA",
                    "the related id given seems to be invalid",
                    {"api_name": "id", "json_path": f"{path}.id"},
                )
        elif mode == "upsert":
            current, matched = self._match(module, values, keys)
        errors = check(values, module.fields, creating=current is None, unknown="reject")
        if errors:
            return _field_error(module, errors[0], path)
        problem = self._resolve_lookups(module, values, path) or self._clash(module, values, path, current)
        if problem is not None:
            return problem
        data = {**(current.data if current else {}), **values}
        for name, rule in module.fields.items():
            if rule.kind == "decimal" and data.get(name) is not None:
                data[name] = float(Decimal(str(data[name])))
        module.complete(data, values)
        if current is None:
            new_id = module.record_id(self.store.next_number(self.name, module.name))
            record = self.store.create(self.name, module.name, new_id, data)
        else:
            record = self.store.update(self.name, module.name, current.id, data)
        result = _success(record, "record added" if current is None else "record updated")
        if mode == "upsert":
            return {
                "code": "SUCCESS",
                "duplicate_field": matched,
                "action": "insert" if current is None else "update",
                **result,
            }
        return result

    def _match(self, module: Module, values: dict[str, Any], keys: tuple[str, ...]) -> tuple[Record | None, str | None]:
        """Upsert's target: the oldest live record sharing the first duplicate check field that matches."""
        for name in keys:
            value = values.get(name)
            if isinstance(value, str) and value.strip():
                found = self.store.lookup(self.name, module.name, name, value)
                if found:
                    return min(found, key=lambda r: r.seq), name
        return None, None

    def _resolve_lookups(self, module: Module, values: dict[str, Any], path: str) -> dict[str, Any] | None:
        """Store lookups as the referenced id ({"id": ...} or a bare id is accepted); an error if it is unknown."""
        for name, target in module.lookups.items():
            ref = values.get(name)
            if ref is None:
                continue
            ref_id = ref.get("id") if isinstance(ref, dict) else ref
            if isinstance(ref_id, int) and not isinstance(ref_id, bool):
                ref_id = str(ref_id)
            if not isinstance(ref_id, str) or self.store.get(self.name, target, ref_id) is None:
                details = {"api_name": name, "json_path": f"{path}.{name}"}
                return _item("INVALID_DATA", "the related id given seems to be invalid", details)
            values[name] = ref_id
        return None

    def _clash(
        self, module: Module, values: dict[str, Any], path: str, current: Record | None
    ) -> dict[str, Any] | None:
        """DUPLICATE_DATA when a system-unique field's value belongs to another live record."""
        for name in module.unique:
            value = values.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            others = [
                r
                for r in self.store.lookup(self.name, module.name, name, value)
                if current is None or r.id != current.id
            ]
            if others:
                duplicate = {
                    "id": others[0].id,
                    "Owner": USER,
                    "module": {"api_name": module.name, "id": module.api_id},
                }
                details = {
                    "api_name": name,
                    "json_path": f"{path}.{name}",
                    "duplicate_record": duplicate,
                    "more_records": len(others) > 1,
                }
                return _item("DUPLICATE_DATA", "duplicate data", details)
        return None

    async def delete_many(self, request: Request) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        ids = [i.strip() for i in request.query_params.get("ids", "").split(",") if i.strip()]
        if not ids:
            return _bad_param("ids", "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing")
        if len(ids) > MAX_BATCH:
            return _bad_param("ids", "LIMIT_EXCEEDED", "limit exceeded", limit=MAX_BATCH)
        return self._delete(module, ids)

    async def delete_one(self, request: Request) -> Response:
        module = self._guard(request)
        if isinstance(module, Response):
            return module
        return self._delete(module, [request.path_params["id"]])

    def _delete(self, module: Module, ids: list[str]) -> Response:
        results = []
        with self.store.transaction():
            for id in ids:
                gone = self.store.delete(self.name, module.name, id)
                results.append(
                    _item("SUCCESS", "record deleted", {"id": id})
                    if gone is not None
                    else _item("INVALID_DATA", "record not deleted", {"id": id})
                )
        return JSONResponse({"data": results}, _batch_status(results, 200))

    # -- seeding --------------------------------------------------------------------------------------

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        return seed.rows(world)

    def seeded(self, world: World) -> None:
        for name, size in seed.populations(world).items():
            self.store.bump_counter(self.name, name, size)
            module = MODULES[name]
            # Index the unique and duplicate-check fields now rather than on the first write.
            self.store.ensure(self.name, name, lookups=sorted({*module.unique, *module.duplicate_check}))


# -- request parsing and rendering helpers ------------------------------------------------------------


def _fields(module: Module, text: str) -> list[str] | Response:
    names = list(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    if not names:
        return _bad_param("fields", "REQUIRED_PARAM_MISSING", "required param is missing")
    if len(names) > MAX_FIELDS:
        return _error(400, "LIMIT_EXCEEDED", "limit exceeded", {"limit": MAX_FIELDS, "param_name": "fields"})
    readable = module.readable()
    unknown = [n for n in names if n not in readable]
    if unknown:
        return _bad_param("fields", api_name=unknown[0])
    return names


def _all_fields(module: Module) -> list[str]:
    return [*META_FIELDS, *module.fields, *module.computed]


def _int_param(params: Mapping[str, str], name: str, default: int) -> int | Response:
    if name not in params:
        return default
    try:
        value = int(params[name])
    except ValueError:
        return _bad_param(name, expected_data_type="integer")
    return value if value >= 1 else _bad_param(name)


def _per_page(params: Mapping[str, str]) -> int | Response:
    per_page = _int_param(params, "per_page", MAX_PER_PAGE)
    if isinstance(per_page, int) and per_page > MAX_PER_PAGE:
        return _error(400, "LIMIT_EXCEEDED", "limit exceeded", {"limit": MAX_PER_PAGE, "param_name": "per_page"})
    return per_page


def _since(request: Request) -> int | Response | None:
    """If-Modified-Since as microseconds (ISO-8601 with offset, as Zoho requires), or None without it."""
    header = request.headers.get("if-modified-since")
    if header is None:
        return None
    try:
        return parse_iso(header)
    except ValueError:
        return _bad_param("If-Modified-Since", expected_data_type="datetime")


def _page_walk(module: Module, params: Mapping[str, str], since: int | None, per_page: int) -> Walk | Response:
    """A walk by page number: only the first PAGE_WINDOW records of a sort are reachable this way."""
    sort_by = params.get("sort_by", "id")
    if sort_by not in SORTS:
        return _bad_param("sort_by", supported_values=list(SORTS))
    sort_order = params.get("sort_order", "desc")
    if sort_order not in ("asc", "desc"):
        return _bad_param("sort_order", supported_values=["asc", "desc"])
    page = _int_param(params, "page", 1)
    if isinstance(page, Response):
        return page
    if page * per_page > PAGE_WINDOW:
        return _error(
            400,
            "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
            f"You can only get the first {PAGE_WINDOW} records without using page_token param",
            {"limit": PAGE_WINDOW},
        )
    return Walk(module.name, sort_by, sort_order == "desc", since, None, (page - 1) * per_page)


def _field_error(module: Module, error: FieldError, path: str) -> dict[str, Any]:
    details: dict[str, Any] = {"api_name": error.field, "json_path": f"{path}.{error.field}"}
    if error.code == "required":
        return _item("MANDATORY_NOT_FOUND", "required field not found", details)
    if error.code == "unknown":
        return _item("INVALID_DATA", "the field api name given seems to be invalid", details)
    rule = module.fields[error.field]
    if error.code == "too_long":
        return _item("INVALID_DATA", "invalid data", {"maximum_length": rule.max_len, **details})
    return _item(
        "INVALID_DATA", "invalid data", {"expected_data_type": DATA_TYPES.get(rule.kind, rule.kind), **details}
    )


def _duplicate_check_fields(module: Module, value: Any) -> tuple[str, ...] | Response:
    if value is None:
        return module.duplicate_check
    if not isinstance(value, list) or not value or any(v not in module.duplicate_check for v in value):
        details = {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields"}
        return _error(
            400, "INVALID_DATA", "invalid data", {**details, "supported_values": list(module.duplicate_check)}
        )
    return tuple(value)


def _success(record: Record, message: str) -> dict[str, Any]:
    details = {
        "Modified_Time": iso_seconds(record.modified_us),
        "Modified_By": {"name": USER["name"], "id": USER["id"]},
        "Created_Time": iso_seconds(record.created_us),
        "id": record.id,
        "Created_By": {"name": USER["name"], "id": USER["id"]},
    }
    return _item("SUCCESS", message, details)


def _deleted_item(module: Module, record: Record) -> dict[str, Any]:
    user = {"name": USER["name"], "id": USER["id"]}
    return {
        "deleted_by": user,
        "id": record.id,
        "display_name": module.display(record.data),
        "type": "recycle",
        "created_by": user,
        "deleted_time": iso_seconds(record.deleted_us or record.modified_us),
    }
