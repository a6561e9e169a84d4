"""Serve a (seeded) sandbox in its own process for a benchmark: one helper every benchmark here uses.

The server is a subprocess (`python -m sandbox serve`) so that its CPU and memory are its own and the benchmark's
clients talk to it over real HTTP. Rate limits are off unless a scale is given; a per-system scale can be set
later through the admin API (`Served.rate_scale`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    info: dict[str, Any]  # /_sandbox/info: base_url and credentials per system
    port: int
    pid: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_sandbox{path}", json=json, timeout=600)
        response.raise_for_status()
        return response.json()

    def rate_scale(self, system: str, scale: float) -> None:
        """Set one system's rate-limit scale (0 = off); this also empties its windows."""
        self.admin("PUT", f"/rate-limits/{system}", {"scale": scale})

    def stats(self) -> dict[str, Any]:
        return dict(self.admin("GET", "/stats"))


def unpaced_env(systems: Sequence[str]) -> dict[str, str]:
    """Environment that turns the clients' own pace off (sources.<system>.requests_per_second = 0), for runs
    against a sandbox whose limits are off."""
    return {f"SOURCES__{system.upper()}__REQUESTS_PER_SECOND": "0" for system in systems}


def seed(
    data_dir: Path,
    records: int,
    *,
    seed: int | None = None,
    systems: Sequence[str] | None = None,
    noise: str = "plain",
) -> None:
    """`python -m sandbox seed` into data_dir (replaces what it holds), with `noise` plain or hard."""
    command = [sys.executable, "-m", "sandbox", "seed", "--records", str(records), "--data-dir", str(data_dir)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if systems:
        command += ["--systems", ",".join(systems)]
    command += ["--noise", noise]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


@contextmanager
def served_sandbox(
    data_dir: Path,
    *,
    records: int | None = None,
    seed_value: int | None = None,
    systems: Sequence[str] | None = None,
    rate_scale: float = 0.0,
    noise: str = "plain",
) -> Iterator[Served]:
    """Serve data_dir (seeded first with `records` per entity when given) until the block ends."""
    if records is not None:
        seed(data_dir, records, seed=seed_value, systems=systems, noise=noise)
    port = free_port()
    command = [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    server = subprocess.Popen([*command, "--rate-scale", str(rate_scale)], stdout=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(400):
            if server.poll() is not None:
                raise RuntimeError(f"the sandbox server exited with status {server.returncode}")
            try:
                info = httpx.get(f"http://127.0.0.1:{port}/_sandbox/info", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the sandbox server did not come up")
        yield Served(info, port, server.pid, data_dir)
    finally:
        server.terminate()
        server.wait(timeout=30)


def ingest_sandbox(port: int) -> None:
    """Ingest every system of the sandbox served on `port` into the configured warehouse (dbt reads every system's
    tables, empty ones too), choosing the sandbox explicitly as the product requires; raises naming what failed."""
    os.environ.update(SANDBOX_PORT=str(port), CRM_SYNC_SANDBOX="1")
    from ingest.pipeline import ingest

    failed = [r for r in ingest() if r.error]
    if failed:
        raise RuntimeError(f"ingest failed: {[(r.system, r.error) for r in failed]}")
