"""Run a real sandbox server on a random free port of 127.0.0.1 inside the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from sandbox.app import Sandbox
from sandbox.system import Settings


@dataclass
class RunningSandbox:
    app: Sandbox
    base_url: str

    @property
    def info(self) -> dict[str, Any]:
        return self.app.info()

    def url(self, system: str, path: str = "") -> str:
        return f"{self.base_url}/{system}{path}"

    def credentials(self, system: str) -> dict[str, str]:
        return dict(self.app.info()[system]["credentials"])  # type: ignore[arg-type]

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=json, timeout=600)
        response.raise_for_status()
        return response.json()

    def faults(self, system: str, **settings: float) -> None:
        self.admin("PUT", f"/faults/{system}", settings)

    def rate_scale(self, system: str, scale: float) -> None:
        self.admin("PUT", f"/rate-limits/{system}", {"scale": scale})

    def stats(self, system: str) -> dict[str, Any]:
        return self.admin("GET", "/stats")["systems"][system]


@contextmanager
def running_sandbox(
    data_dir: Path, *, records: int | None = None, seed: int = 1, rate_scale: float = 0.0
) -> Iterator[RunningSandbox]:
    """A served sandbox; rate limits are off unless rate_scale > 0 (tests of limits turn them on)."""
    # With the protocol given, asyncio turns Nagle off on accepted connections; without it each answer
    # waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = Sandbox(Settings(data_dir=data_dir, port=port, rate_scale=rate_scale))
    if records is not None:
        app.seed(records, seed)
    server = uvicorn.Server(uvicorn.Config(app.asgi(), log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("sandbox server did not start within 10 s")
        time.sleep(0.01)
    try:
        yield RunningSandbox(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.close()
