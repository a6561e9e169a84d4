"""Exact's refresh tokens are single-use: every client of the grant, made at any time and in any thread or process,
must refresh with the newest token (real OAuth against the sandbox, which rotates and refuses spent tokens)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from connectors.base import Client
from connectors.config import client_for
from tests.helpers.sandbox import RunningSandbox


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox, tmp_path: Path) -> Path:
    monkeypatch.setenv("SANDBOX_PORT", sandbox.base_url.rsplit(":", 1)[1])
    monkeypatch.setenv("CRM_SYNC_PIPELINES_DIR", str(tmp_path / "pipelines"))
    return tmp_path / "pipelines" / "exact.refresh_token"


def read_once(client: Client) -> list[dict]:
    return next(iter(client.pages("Accounts")), [])


def test_a_client_made_before_another_refreshed_uses_the_newest_token(configured: Path) -> None:
    with client_for("exact") as first:
        read_once(first)  # spends the configured grant: the rotated token is now the only one
    rotated = configured.read_text()
    with client_for("exact") as early, client_for("exact") as other:
        read_once(other)  # rotates again after `early` was made
        read_once(early)  # must not refresh with the token `other` spent
    assert configured.read_text() != rotated


def test_clients_refreshing_at_once_all_get_a_token(configured: Path) -> None:
    with client_for("exact") as first:
        read_once(first)
    clients = [client_for("exact") for _ in range(6)]
    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(read_once, clients))  # raises if any refresh was refused
    finally:
        for client in clients:
            client.close()
