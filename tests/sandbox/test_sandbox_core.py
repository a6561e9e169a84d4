"""The sandbox's shared core over HTTP and the CLI: admin API, seeding, persistence, `python -m sandbox`."""

from __future__ import annotations

import csv
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.seeding import GROUND_TRUTH
from sandbox.timefmt import parse_iso
from tests.helpers.sandbox import RunningSandbox, running_sandbox

REPO = Path(__file__).resolve().parents[2]
SYSTEMS = ("zohocrm", "poweroffice", "exact", "webcrm", "crmoffice", "customcrm")
CREDENTIAL_NAMES = {
    "zohocrm": {"client_id", "client_secret", "refresh_token"},
    "poweroffice": {"application_key", "client_key", "subscription_key"},
    "exact": {"client_id", "client_secret", "refresh_token", "division"},
    "webcrm": {"auth_code"},
    "crmoffice": {"client_id", "client_secret"},
    "customcrm": {"api_key"},
}
CUSTOMCRM_ENTITIES = ("customers", "contacts", "orders", "products")


def admin(sb: RunningSandbox, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{sb.base_url}/_sandbox{path}", timeout=120, **kwargs)


def customcrm(base_url: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": "Bearer sandbox-customcrm-api-key"}
    return httpx.request(kwargs.pop("method", "GET"), f"{base_url}/customcrm/api/v1{path}", headers=headers, **kwargs)


def customcrm_records(base_url: str) -> dict[str, list[dict[str, Any]]]:
    """Every Custom CRM record, per entity, in paging order."""
    records: dict[str, list[dict[str, Any]]] = {}
    for entity in CUSTOMCRM_ENTITIES:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 500}
        while True:
            body = customcrm(base_url, f"/{entity}", params=params).raise_for_status().json()
            items += body["items"]
            if body["next_cursor"] is None:
                break
            params["cursor"] = body["next_cursor"]
        records[entity] = items
    return records


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- faults and rate limits -----------------------------------------------------------------------------


def test_faults_are_listed_per_system_and_set_one_system_at_a_time(sandbox: RunningSandbox) -> None:
    listed = admin(sandbox, "GET", "/faults").json()
    assert set(listed) == set(SYSTEMS)
    assert listed["exact"]["rate_5xx"] == 0
    answer = admin(sandbox, "PUT", "/faults/exact", json={"rate_5xx": 0.25, "latency_ms": 3})
    assert answer.status_code == 200
    assert answer.json()["rate_5xx"] == 0.25 and answer.json()["latency_ms"] == 3
    listed = admin(sandbox, "GET", "/faults").json()
    assert listed["exact"]["rate_5xx"] == 0.25
    assert listed["webcrm"]["rate_5xx"] == 0
    assert admin(sandbox, "PUT", "/faults/exact", content=b"{not json").status_code == 400


@pytest.mark.parametrize(
    "settings",
    [
        {"rate_429": 2},
        {"rate_5xx": -0.1},
        {"rate_lost": "0.1"},
        {"rate_timeout": True},
        {"no_such_fault": 0.1},
        {"_rng": 1},
        {"rate_429": 0.6, "rate_5xx": 0.6},
        [0.1],
    ],
)
def test_bad_fault_settings_are_refused_and_change_nothing(sandbox: RunningSandbox, settings: Any) -> None:
    before = admin(sandbox, "GET", "/faults").json()["customcrm"]
    response = admin(sandbox, "PUT", "/faults/customcrm", json=settings)
    assert response.status_code == 400
    assert response.json()["error"]
    assert admin(sandbox, "GET", "/faults").json()["customcrm"] == before


def test_unknown_systems_are_404_on_every_per_system_admin_call(sandbox: RunningSandbox) -> None:
    for method, path, body in (
        ("PUT", "/faults/salesforce", {"rate_5xx": 0.1}),
        ("PUT", "/rate-limits/salesforce", {"scale": 1}),
        ("POST", "/tokens/salesforce/revoke", None),
    ):
        response = admin(sandbox, method, path, json=body)
        assert response.status_code == 404, path
        assert "salesforce" in response.json()["error"]


@pytest.mark.parametrize("body", [{"scale": -1}, {"scale": "fast"}, {"scale": True}, {}, [1]])
def test_bad_rate_scales_are_refused(sandbox: RunningSandbox, body: Any) -> None:
    response = admin(sandbox, "PUT", "/rate-limits/customcrm", json=body)
    assert response.status_code == 400
    assert sandbox.stats("customcrm")["rate_scale"] == 0


@pytest.mark.parametrize("path", ["/rate-limits/customcrm", "/seed"])
def test_admin_bodies_that_are_not_json_are_400(sandbox: RunningSandbox, path: str) -> None:
    method = "POST" if path == "/seed" else "PUT"
    assert admin(sandbox, method, path, content=b"{nope").status_code == 400


def test_a_rate_scale_turns_the_real_windows_on_and_off(sandbox: RunningSandbox) -> None:
    # Custom CRM's window is 20 calls a second; at 0.1 it allows 2, so three calls in a row meet the limit even on a
    # loaded host (eleven calls at 0.5 sometimes spanned more than the one-second window).
    assert admin(sandbox, "PUT", "/rate-limits/customcrm", json={"scale": 0.1}).json() == {"scale": 0.1}
    statuses = [customcrm(sandbox.base_url, "/customers").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert sandbox.stats("customcrm")["rate_scale"] == 0.1
    sandbox.rate_scale("customcrm", 0)
    assert all(customcrm(sandbox.base_url, "/customers").status_code == 200 for _ in range(30))


# -- stats, reset, seed ---------------------------------------------------------------------------------


def test_stats_count_calls_refusals_and_records(sandbox: RunningSandbox) -> None:
    for _ in range(3):
        customcrm(sandbox.base_url, "/customers")
    httpx.get(sandbox.url("customcrm", "/api/v1/customers"))
    customcrm(sandbox.base_url, "/customers/batch", method="POST", json={"items": [{"Name": "A"}, {"Name": "B"}]})
    stats = admin(sandbox, "GET", "/stats").json()
    assert set(stats["systems"]) == set(SYSTEMS)
    ours = stats["systems"]["customcrm"]
    assert ours["requests"] == 5 and ours["unauthorized"] == 1 and ours["throttled"] == 0
    assert ours["writes"] == 1, "the batch POST; the reads are not writes"
    assert stats["systems"]["webcrm"]["requests"] == 0
    assert stats["records"]["customcrm__customers"] == 2


def test_reset_empties_records_and_clears_faults(sandbox: RunningSandbox) -> None:
    customcrm(sandbox.base_url, "/customers/batch", method="POST", json={"items": [{"Name": "A"}]})
    sandbox.faults("customcrm", rate_5xx=0.5)
    assert admin(sandbox, "POST", "/reset").json() == {"reset": True}
    assert admin(sandbox, "GET", "/faults").json()["customcrm"]["rate_5xx"] == 0
    assert all(count == 0 for count in admin(sandbox, "GET", "/stats").json()["records"].values())
    assert customcrm(sandbox.base_url, "/customers").json()["items"] == []
    assert sandbox.stats("customcrm")["requests"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"records": -1},
        {"records": "ten"},
        {"seed": 1},
        {"records": 5, "seed": "x"},
        {"records": 5, "systems": "exact"},
    ],
)
def test_bad_seed_requests_are_refused(sandbox: RunningSandbox, body: Any) -> None:
    assert admin(sandbox, "POST", "/seed", json=body).status_code == 400


def test_seeding_unknown_systems_is_refused(sandbox: RunningSandbox) -> None:
    response = admin(sandbox, "POST", "/seed", json={"records": 5, "systems": ["customcrm", "salesforce"]})
    assert response.status_code == 400
    assert "salesforce" in response.json()["error"]


def test_seeding_is_deterministic_in_the_seed(sandbox: RunningSandbox) -> None:
    counts = admin(sandbox, "POST", "/seed", json={"records": 30, "seed": 5}).json()
    first = customcrm_records(sandbox.base_url)
    assert {f"customcrm.{e}": len(first[e]) for e in CUSTOMCRM_ENTITIES}.items() <= counts.items()
    assert all(first[e] for e in CUSTOMCRM_ENTITIES)
    assert admin(sandbox, "POST", "/seed", json={"records": 30, "seed": 5}).json() == counts
    assert customcrm_records(sandbox.base_url) == first
    admin(sandbox, "POST", "/seed", json={"records": 30, "seed": 6})
    other = customcrm_records(sandbox.base_url)
    assert all(other[e] != first[e] for e in CUSTOMCRM_ENTITIES)


def test_seeding_chosen_systems_leaves_the_others_empty(sandbox: RunningSandbox) -> None:
    counts = admin(sandbox, "POST", "/seed", json={"records": 10, "seed": 1, "systems": ["customcrm"]}).json()
    assert counts and all(place.startswith("customcrm.") for place in counts)
    records = admin(sandbox, "GET", "/stats").json()["records"]
    assert all(count == 0 for table, count in records.items() if not table.startswith("customcrm__"))
    with (sandbox.app.settings.data_dir / GROUND_TRUTH).open() as handle:
        assert {row["system"] for row in csv.DictReader(handle)} == {"customcrm"}


# -- persistence and info -------------------------------------------------------------------------------


def test_state_survives_a_restart_on_the_same_data_dir(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, records=10, seed=2) as first:
        customcrm(first.base_url, "/customers/batch", method="POST", json={"items": [{"Name": "Kept AS"}]})
        before = customcrm_records(first.base_url)
        gone = before["customers"][0]["Id"]
        assert customcrm(first.base_url, f"/customers/{gone}", method="DELETE").status_code == 204
        before = customcrm_records(first.base_url)
    with running_sandbox(tmp_path) as second:
        assert customcrm_records(second.base_url) == before
        assert [i["Id"] for i in customcrm(second.base_url, "/customers/deleted").json()["items"]] == [gone]
        result = customcrm(second.base_url, "/customers/batch", method="POST", json={"items": [{"Name": "New AS"}]})
        new_id = result.json()["results"][0]["id"]
        assert new_id not in {c["Id"] for c in before["customers"]}
        after = customcrm_records(second.base_url)["customers"]
    newest = max(parse_iso(c["UpdatedAt"]) for c in before["customers"])
    assert after[-1]["Id"] == new_id and parse_iso(after[-1]["UpdatedAt"]) > newest


def test_info_names_every_system_with_its_base_url(sandbox: RunningSandbox) -> None:
    described = admin(sandbox, "GET", "/info").json()
    assert tuple(described) == SYSTEMS
    for name, entry in described.items():
        assert entry["base_url"] == f"{sandbox.base_url}/{name}"


# -- the CLI --------------------------------------------------------------------------------------------


def test_cli_info_json_describes_the_six_systems_and_their_credentials() -> None:
    done = run_cli("info", "--json", "--port", "9999")
    assert done.returncode == 0, done.stderr
    described = json.loads(done.stdout)
    assert set(described) == set(SYSTEMS)
    for name, entry in described.items():
        assert ":9999" in entry["base_url"] and entry["base_url"].endswith(f"/{name}")
        assert set(entry["credentials"]) == CREDENTIAL_NAMES[name], name
        assert all(isinstance(v, str) and v for v in entry["credentials"].values()), name


def test_cli_seed_prints_counts_and_writes_the_ground_truth(tmp_path: Path) -> None:
    done = run_cli("seed", "--records", "50", "--seed", "3", "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = dict(line.rsplit(maxsplit=1) for line in done.stdout.strip().splitlines())
    counts = {place.strip(): int(count.replace(",", "")) for place, count in lines.items()}
    assert 30 <= counts["customcrm.customers"] <= 70
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    with (tmp_path / GROUND_TRUTH).open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"kind", "key", "system", "entity", "id"}
    assert {r["kind"] for r in rows} >= {"company", "person", "product", "deal"}
    bad = run_cli("seed", "--records", "5", "--systems", "salesforce", "--data-dir", str(tmp_path / "other"))
    assert bad.returncode == 2 and "salesforce" in bad.stderr


def serve(data: Path, log: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m sandbox serve` on a free port, answering; the caller stops it."""
    port = free_port()
    command = [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--data-dir", str(data), *args]
    with log.open("w") as handle:
        server = subprocess.Popen(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server)
    except AssertionError:
        stop(server, signal.SIGKILL)
        raise
    return server, base_url


def stop(server: subprocess.Popen[bytes], how: signal.Signals) -> int:
    server.send_signal(how)
    try:
        return server.wait(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_cli_serve_serves_and_a_second_seed_goes_through_it(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "serve.log"
    server, base_url = serve(data, log, "--records", "20")
    try:
        for name in SYSTEMS:
            assert f"{base_url}/{name}" in log.read_text(), log.read_text()
        seeded = customcrm_records(base_url)
        assert seeded["customers"]
        # A fault setting lives in the server process only; the server's own reseed resets it.
        httpx.put(f"{base_url}/_sandbox/faults/webcrm", json={"latency_ms": 5}).raise_for_status()
        done = run_cli("seed", "--records", "12", "--seed", "9", "--data-dir", str(data))
        assert done.returncode == 0, done.stderr
        assert httpx.get(f"{base_url}/_sandbox/faults").json()["webcrm"]["latency_ms"] == 0
        reseeded = customcrm_records(base_url)
        assert reseeded != seeded and len(reseeded["customers"]) < len(seeded["customers"])
        assert server.poll() is None
    finally:
        code = stop(server, signal.SIGINT)
    assert code == 0
    assert not (data / "server.json").exists()


def test_cli_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server, _ = serve(data, tmp_path / "serve.log")
    assert stop(server, signal.SIGTERM) == 0
    assert not (data / "server.json").exists()


def wait_until_up(base_url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the sandbox server exited before answering"
        try:
            httpx.get(f"{base_url}/_sandbox/info", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the sandbox server did not answer within 60 s")
