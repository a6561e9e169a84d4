"""The sandbox server: the six emulated APIs under their prefixes, plus the /_sandbox admin API."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from sandbox.auth import Tokens
from sandbox.seeding import seed
from sandbox.store import Store
from sandbox.system import JSONResponse, Settings, System
from sandbox.systems import SYSTEMS


def info(settings: Settings) -> dict[str, dict[str, object]]:
    """Base URL and credentials per system, as scripts and the product's default config use them."""
    return {
        cls.name: {
            "title": cls.title,
            "base_url": f"{settings.base_url}/{cls.name}",
            "credentials": dict(cls.credentials),
        }
        for cls in SYSTEMS
    }


async def _object(request: Request) -> dict[str, Any]:
    """The request's JSON object body; ValueError (a 400 for the caller) for anything else."""
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


class Sandbox:
    """The six systems over one store; the object tests and the CLI hold."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.data_dir)
        self.tokens = Tokens(settings.data_dir)
        self.systems: dict[str, System] = {cls.name: cls(self.store, self.tokens, settings) for cls in SYSTEMS}

    def info(self) -> dict[str, dict[str, object]]:
        return info(self.settings)

    def seed(
        self, records: int, seed_value: int, systems: list[str] | None = None, noise: str = "plain"
    ) -> dict[str, int]:
        return seed(self, records, seed_value, systems, noise)

    def reset(self) -> None:
        self.store.reset()
        for system in self.systems.values():
            system.faults.update(
                {name: 0 for name in ("latency_ms", "rate_429", "rate_5xx", "rate_timeout", "rate_lost")}
            )
            system.limiter.reset()
            system.counters.__init__()  # type: ignore[misc]

    def close(self) -> None:
        self.store.close()
        self.tokens.close()

    # -- admin API ------------------------------------------------------------------------------------

    def _system(self, request: Request) -> System | Response:
        name = request.path_params["system"]
        if name not in self.systems:
            return JSONResponse({"error": f"unknown system {name!r}; known: {sorted(self.systems)}"}, 404)
        return self.systems[name]

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse({n: s.faults.settings() for n, s in self.systems.items()})

    async def put_faults(self, request: Request) -> Response:
        system = self._system(request)
        if isinstance(system, Response):
            return system
        try:
            system.faults.update(await _object(request))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse(system.faults.settings())

    async def put_rate_limits(self, request: Request) -> Response:
        system = self._system(request)
        if isinstance(system, Response):
            return system
        try:
            scale = (await _object(request)).get("scale")
        except ValueError:
            scale = None
        if not isinstance(scale, int | float) or isinstance(scale, bool) or scale < 0:
            return JSONResponse({"error": 'body must be {"scale": number >= 0} (0 turns limits off)'}, 400)
        system.limiter.scale = float(scale)
        system.limiter.reset()
        return JSONResponse({"scale": system.limiter.scale})

    async def revoke_tokens(self, request: Request) -> Response:
        system = self._system(request)
        if isinstance(system, Response):
            return system
        self.tokens.revoke_all(system.name)
        return JSONResponse({"revoked": system.name})

    async def post_reset(self, request: Request) -> Response:
        self.reset()
        return JSONResponse({"reset": True})

    async def post_seed(self, request: Request) -> Response:
        try:
            body = await _object(request)
        except ValueError:
            body = {}
        records, seed_value = body.get("records"), body.get("seed", 1)
        systems = body.get("systems")
        noise = body.get("noise", "plain")
        if (
            not isinstance(records, int)
            or records < 0
            or not isinstance(seed_value, int)
            or not (systems is None or (isinstance(systems, list) and all(isinstance(s, str) for s in systems)))
            or not isinstance(noise, str)
        ):
            return JSONResponse(
                {
                    "error": 'body must be {"records": int >= 0, "seed": int, "systems": [names] (optional),'
                    ' "noise": "plain" | "hard" (optional)}'
                },
                400,
            )
        try:
            return JSONResponse(self.seed(records, seed_value, systems, noise))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 400)

    async def get_stats(self, request: Request) -> Response:
        return JSONResponse(
            {
                "systems": {
                    n: {**s.counters.as_dict(), "rate_scale": s.limiter.scale} for n, s in self.systems.items()
                },
                "records": self.store.entity_counts(),
            }
        )

    async def get_info(self, request: Request) -> Response:
        return JSONResponse(self.info())

    def asgi(self) -> Starlette:
        admin = [
            Route("/info", self.get_info),
            Route("/stats", self.get_stats),
            Route("/faults", self.get_faults),
            Route("/faults/{system}", self.put_faults, methods=["PUT"]),
            Route("/rate-limits/{system}", self.put_rate_limits, methods=["PUT"]),
            Route("/tokens/{system}/revoke", self.revoke_tokens, methods=["POST"]),
            Route("/reset", self.post_reset, methods=["POST"]),
            Route("/seed", self.post_seed, methods=["POST"]),
        ]
        mounts = [Mount("/_sandbox", routes=admin)]
        mounts += [Mount(f"/{name}", app=system.asgi()) for name, system in self.systems.items()]
        return Starlette(routes=mounts)
