"""The clients' shared clock splits wall time into waits for the APIs' limits, waits for their answers and the rest:
real HTTP to the sandbox from several threads at once, each moment counted once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from connectors.base import API_CLOCK, Pace
from connectors.config import client_for
from ingest.pipeline import entities_of
from tests.helpers.sandbox import RunningSandbox
from tests.ingest.conftest import point_at


def test_limit_and_answer_waits_of_threads_at_once_never_add_up_past_the_wall_time(
    sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_at(monkeypatch, sandbox, tmp_path)
    path = entities_of("customcrm")[0].path
    with client_for("customcrm") as client:
        client.pace = Pace(40)  # four threads share 40 calls a second: most of them wait for a slot
        started, (limits, answers) = time.perf_counter(), API_CLOCK.read()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: list(client.pages(path)), range(24)))
        wall = time.perf_counter() - started
        now_limits, now_answers = API_CLOCK.read()
    waited_limits, waited_answers = now_limits - limits, now_answers - answers
    assert client.calls >= 24
    assert waited_limits > 0 and waited_answers > 0
    assert waited_limits + waited_answers <= wall
