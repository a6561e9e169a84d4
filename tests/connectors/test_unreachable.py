"""A system that cannot be reached fails at once, and its message names the system, the URL and what to check."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from connectors.config import CREDENTIALS, SYSTEMS
from ingest.pipeline import ingest


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_system_that_cannot_be_reached_is_named_with_its_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CRM_SYNC_SANDBOX")
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("CRM_SYNC_PIPELINES_DIR", str(tmp_path / "pipelines"))
    port = closed_port()
    for system in SYSTEMS:
        monkeypatch.setenv(f"SOURCES__{system.upper()}__BASE_URL", f"http://127.0.0.1:{port}/{system}")
        for key in CREDENTIALS[system]:
            monkeypatch.setenv(f"SOURCES__{system.upper()}__CREDENTIALS__{key.upper()}", "x")
    # Token hosts default to the real services: point them at the closed port too.
    monkeypatch.setenv("SOURCES__ZOHOCRM__ACCOUNTS_URL", f"http://127.0.0.1:{port}/zohocrm")
    monkeypatch.setenv("SOURCES__CRMOFFICE__TOKEN_URL", f"http://127.0.0.1:{port}/crmoffice/oauth/token")

    started = time.monotonic()
    results = ingest(SYSTEMS)
    assert time.monotonic() - started < 30, "an unreachable system is failed at once, not retried"
    for r in results:
        assert r.error is not None, r.system
        assert r.error.startswith(f"{r.system} "), r.error
        assert f"cannot connect to http://127.0.0.1:{port}/{r.system}" in r.error, r.error
        assert f"check sources.{r.system}.base_url" in r.error, r.error
