"""A system answering garbage fails that system with a message naming it, the entity and the problem."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ingest.pipeline import ingest


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def custom_crm_answering(body: Response) -> Starlette:
    async def listing(request: Request) -> Response:
        return body

    return Starlette(routes=[Route("/api/v1/{entity}", listing)])


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (PlainTextResponse("<html>maintenance</html>"), "answer is not JSON"),
        (JSONResponse({"items": [{"Name": "no id"}], "next_cursor": None}), "a record without Id"),
    ],
)
def test_garbage_fails_the_system_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer: Response, expected: str
) -> None:
    with serving(custom_crm_answering(answer)) as base_url:
        monkeypatch.delenv("CRM_SYNC_SANDBOX")  # a configured system, not the sandbox
        monkeypatch.setenv("SOURCES__CUSTOMCRM__BASE_URL", base_url)
        monkeypatch.setenv("SOURCES__CUSTOMCRM__CREDENTIALS__API_KEY", "key")
        monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "w.duckdb"))
        monkeypatch.setenv("CRM_SYNC_PIPELINES_DIR", str(tmp_path / "p"))
        [result] = ingest(["customcrm"])
    assert result.error is not None
    assert result.error.startswith("customcrm customers:"), result.error
    assert expected in result.error
