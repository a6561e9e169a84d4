"""Exact's refresh tokens are single-use: every client of the grant, made at any time and in any thread or process,
must refresh with the newest token, and refresh only when the kept access token is refused or about to expire (real
OAuth against the sandbox, which rotates and refuses spent tokens)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


def saved(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def test_a_new_client_uses_the_kept_access_token_and_refreshes_only_when_it_is_refused(
    configured: Path, sandbox: RunningSandbox
) -> None:
    with client_for("exact") as first:
        read_once(first)  # spends the configured grant: the rotated token is now the only one
    kept = saved(configured)
    assert configured.stat().st_mode & 0o777 == 0o600
    with client_for("exact") as second:
        read_once(second)  # a new process's client: no token call
    assert saved(configured) == kept
    sandbox.admin("POST", "/tokens/exact/revoke")  # every access token refused from now on
    with client_for("exact") as early, client_for("exact") as other:
        read_once(other)  # refused, refreshes with the kept refresh token
        rotated = saved(configured)
        assert rotated["refresh_token"] != kept["refresh_token"]
        assert rotated["access_token"] != kept["access_token"]
        read_once(early)  # made before that refresh: takes the new access token, spends nothing
    assert saved(configured) == rotated


def test_an_expired_access_token_is_not_used(configured: Path) -> None:
    with client_for("exact") as first:
        read_once(first)
    kept = saved(configured)
    configured.write_text(json.dumps({**kept, "expires_at": time.time() + 30}))  # inside the one-minute margin
    with client_for("exact") as second:
        read_once(second)
    assert saved(configured)["access_token"] != kept["access_token"]


def test_clients_refreshing_at_once_all_get_a_token(configured: Path, sandbox: RunningSandbox) -> None:
    with client_for("exact") as first:
        read_once(first)
    sandbox.admin("POST", "/tokens/exact/revoke")  # all six find the kept access token refused at once
    clients = [client_for("exact") for _ in range(6)]
    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(read_once, clients))  # raises if any refresh was refused
    finally:
        for client in clients:
            client.close()
