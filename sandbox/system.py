"""What every emulated system has in common: its place in the server, credentials, limits and fault gate.

A system subclass declares its routes, rate windows, credentials and the shapes of its 401/429/5xx answers;
the Gate wraps its routes with fault injection and the real rate-limit counters, so each emulator only
implements its API's own behaviour.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.auth import Tokens
from sandbox.faults import Counters, Faults
from sandbox.ratelimit import Limiter, Window
from sandbox.store import Store

if TYPE_CHECKING:
    from sandbox.world import World

DEFAULT_PORT = 8765
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    rate_scale: float = 1.0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class SeedRow:
    """One seeded record and, for the ground truth, which real-world thing it is (kind + key)."""

    id: str
    data: dict[str, Any]
    created_us: int
    modified_us: int
    kind: str | None = None
    key: str | None = None


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class System:
    """Base of the six emulators."""

    name: ClassVar[str]
    title: ClassVar[str]
    # Paths (relative to the system prefix) that are token endpoints: no faults, no rate limits.
    auth_paths: ClassVar[tuple[str, ...]] = ()
    # The sandbox's credentials, keyed by the names the real API gives its parameters.
    credentials: ClassVar[dict[str, str]]
    # Concurrent in-flight calls allowed (Zoho's concurrency limit); None for no limit.
    max_concurrency: ClassVar[int | None] = None

    def __init__(self, store: Store, tokens: Tokens, settings: Settings) -> None:
        self.store = store
        self.tokens = tokens
        self.settings = settings
        self.faults = Faults()
        self.counters = Counters()
        self.limiter = Limiter(self.rate_windows(), settings.rate_scale)
        self.in_flight = 0

    @property
    def base_url(self) -> str:
        return f"{self.settings.base_url}/{self.name}"

    # -- what each emulator provides ------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    def rate_windows(self) -> list[Window]:
        raise NotImplementedError

    def throttled(self, retry_after: float, window: Window | None) -> Response:
        """The API's own 429 answer (window is None when the 429 is injected or a concurrency refusal)."""
        raise NotImplementedError

    def server_error(self) -> Response:
        return JSONResponse({"error": "internal server error"}, status_code=500)

    def unauthorized(self) -> Response:
        raise NotImplementedError

    def rate_headers(self) -> dict[str, str]:
        """Headers sent on every answer (Exact's X-RateLimit-*); most APIs send none."""
        return {}

    def seed_rows(self, world: World) -> dict[str, Iterator[SeedRow]]:
        """The system's share of the generated world, per entity, in a stable order."""
        raise NotImplementedError

    def seeded(self, world: World) -> None:
        """Called after seeding; emulators move their id counters past the seeded ids."""

    # -- helpers for emulators ------------------------------------------------------------------------

    def require(self, request: Request, token: str | None) -> Response | None:
        """None when the token is a live one of this system, else the API's 401 (and it is counted)."""
        if self.tokens.valid(self.name, token):
            return None
        self.counters.unauthorized += 1
        return self.unauthorized()

    def asgi(self) -> ASGIApp:
        return Gate(self, Router(routes=self.routes()))


class Gate:
    """Fault injection, rate limits and concurrency limits in front of one system's routes."""

    def __init__(self, system: System, app: ASGIApp) -> None:
        self.system = system
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        system = self.system
        relative = scope["path"].removeprefix(scope.get("root_path", ""))
        if any(relative.startswith(p) for p in system.auth_paths):
            await self.app(scope, receive, send)
            return
        system.counters.requests += 1
        if scope["method"] in WRITE_METHODS:
            system.counters.writes += 1
        faults = system.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        fault = faults.draw()
        if fault is not None:
            system.counters.injected[fault] += 1
        if fault == "429":
            await system.throttled(1.0, None)(scope, receive, send)
            return
        if fault == "5xx":
            await system.server_error()(scope, receive, send)
            return
        if fault == "timeout":
            await asyncio.sleep(faults.timeout_seconds)
            await Response("gateway timeout", status_code=504)(scope, receive, send)
            return
        verdict = system.limiter.hit()
        if not verdict.allowed:
            system.counters.throttled += 1
            await system.throttled(verdict.retry_after, verdict.window)(scope, receive, send)
            return
        limit = system.max_concurrency
        if limit is not None and system.limiter.enabled and system.in_flight >= limit:
            system.counters.throttled += 1
            await system.throttled(1.0, None)(scope, receive, send)
            return
        system.in_flight += 1
        try:
            if fault == "lost":
                await self._lose_response(scope, receive, send)
            else:
                await self.app(scope, receive, self._with_rate_headers(send))
        finally:
            system.in_flight -= 1

    def _with_rate_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = self.system.rate_headers()
                if extra:
                    headers = list(message.get("headers", []))
                    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
                    message = {**message, "headers": headers}
            await send(message)

        return wrapped

    async def _lose_response(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the call for real (the write is applied), then drop the connection before the body."""
        started: list[Message] = []

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.append(message)

        await self.app(scope, receive, swallow)
        status = started[0]["status"] if started else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"65536")]})
        raise ConnectionAbortedError(f"sandbox: {self.system.name} response lost on purpose at {time.time():.3f}")
