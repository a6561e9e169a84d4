"""CRMOffice emulator contract over real HTTP: token flow, 401s, paging, updatedSince, writes, validation,
rate limit, faults and seeding (the choices behind each are in sandbox/systems/crmoffice/README.md)."""

from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.store import Query
from sandbox.systems.crmoffice import seed
from sandbox.systems.crmoffice.schema import record_id, valid_org_nr
from sandbox.timefmt import iso_us, parse_iso
from sandbox.world import World
from tests.helpers.sandbox import RunningSandbox, running_sandbox

SYSTEM = "crmoffice"
PROBLEM_400 = "https://tools.ietf.org/html/rfc7231#section-6.5.1"


def _token_call(sb: RunningSandbox, **form: str) -> httpx.Response:
    return httpx.post(sb.url(SYSTEM, "/connect/token"), data={**sb.credentials(SYSTEM), **form})


def _client(sb: RunningSandbox) -> httpx.Client:
    token = _token_call(sb, grant_type="client_credentials").json()["access_token"]
    return httpx.Client(base_url=sb.url(SYSTEM), headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _many(http: httpx.Client, calls: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    """GETs in parallel, answers in call order (keeps the tests that need hundreds of calls fast)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda call: http.get(call[0], params=call[1]), calls))


def _walk(http: httpx.Client, entity: str, size: int | None, **params: Any) -> list[dict[str, Any]]:
    """Every page of a page/pageSize walk up to the first with hasMore false, checking the paging fields.
    Offset pages do not depend on each other, so they are fetched eight at a time."""
    sized = {**params, **({"pageSize": size} if size else {})}
    pages: list[dict[str, Any]] = []
    while not pages or pages[-1]["hasMore"]:
        numbers = range(len(pages) + 1, len(pages) + 9)
        for response in _many(http, [(f"/{entity}", {**sized, "page": n}) for n in numbers]):
            body = response.json()
            if pages and not pages[-1]["hasMore"]:
                assert body["items"] == [] and body["hasMore"] is False  # past the end
            else:
                pages.append(body)
    for number, body in enumerate(pages, start=1):
        assert body["page"] == number and body["pageSize"] == (size or 100)
        full = len(body["items"]) == body["pageSize"]
        assert full if body["hasMore"] else len(body["items"]) <= body["pageSize"]
    return [item for body in pages for item in body["items"]]


def _company(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = http.post("/companies", json={"name": "Fjord Consulting AS", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def _assert_validation(response: httpx.Response, *fields: str) -> dict[str, list[str]]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == PROBLEM_400
    assert body["title"] == "One or more validation errors occurred."
    assert body["status"] == 400
    assert set(body["errors"]) == set(fields)
    for messages in body["errors"].values():
        assert isinstance(messages, list) and messages and all(isinstance(t, str) for t in messages)
    return body["errors"]


# -- auth -------------------------------------------------------------------------------------------


def test_token_endpoint_issues_jwt_bearer_tokens_and_rotates_refresh_tokens(sandbox: RunningSandbox) -> None:
    issued = _token_call(sandbox, grant_type="client_credentials")
    assert issued.status_code == 200
    body = issued.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "crmoffice offline_access"
    header, claims, signature = body["access_token"].split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "=="))["alg"] == "RS256" and signature
    payload = json.loads(base64.urlsafe_b64decode(claims + "=="))
    assert payload["exp"] - payload["iat"] == 3600
    assert payload["client_id"] == sandbox.credentials(SYSTEM)["client_id"]

    first = body["refresh_token"]
    refreshed = _token_call(sandbox, grant_type="refresh_token", refresh_token=first)
    assert refreshed.status_code == 200 and refreshed.json()["refresh_token"] != first
    reused = _token_call(sandbox, grant_type="refresh_token", refresh_token=first)
    assert (reused.status_code, reused.json()) == (400, {"error": "invalid_grant"})

    creds = sandbox.credentials(SYSTEM)
    basic = httpx.post(
        sandbox.url(SYSTEM, "/connect/token"),
        data={"grant_type": "client_credentials", "scope": "crmoffice"},
        auth=(creds["client_id"], creds["client_secret"]),
    )
    assert basic.status_code == 200 and basic.json()["scope"] == "crmoffice"
    assert "refresh_token" not in basic.json()  # no offline_access, no refresh token

    for form, error in (
        ({"grant_type": "client_credentials", "client_secret": "wrong"}, "invalid_client"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "crmoffice admin"}, "invalid_scope"),
    ):
        refused = _token_call(sandbox, **form)
        assert (refused.status_code, refused.json()) == (400, {"error": error})


def test_calls_without_or_with_a_bad_token_get_the_aspnet_401(sandbox: RunningSandbox) -> None:
    url = sandbox.url(SYSTEM, "/companies")
    missing = httpx.get(url)
    assert (missing.status_code, missing.content, missing.headers["www-authenticate"]) == (401, b"", "Bearer")
    for header in ("Bearer not-a-token", "Basic c2FuZGJveDpzZWNyZXQ="):
        wrong = httpx.get(url, headers={"Authorization": header})
        assert wrong.status_code == 401 and wrong.content == b""
        assert wrong.headers["www-authenticate"] == (
            "Bearer" if header.startswith("Basic") else 'Bearer error="invalid_token"'
        )

    with _client(sandbox) as http:
        assert http.get("/companies").status_code == 200
        sandbox.admin("POST", f"/tokens/{SYSTEM}/revoke")
        revoked = http.get("/companies")
        assert revoked.status_code == 401
        assert revoked.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert sandbox.stats(SYSTEM)["unauthorized"] == 4


# -- paging and filters -----------------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["companies", "contacts"])
@pytest.mark.parametrize("size", [1, None, 500])
def test_paging_walks_each_record_once(seeded_sandbox: RunningSandbox, entity: str, size: int | None) -> None:
    with _client(seeded_sandbox) as http:
        items = _walk(http, entity, size)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == seeded_sandbox.app.store.count(SYSTEM, entity) > 100
    # Without a filter the order is creation order, which updates never disturb.
    assert ids == [r.id for r in seeded_sandbox.app.store.select(SYSTEM, entity, Query(order="seq"))]


def test_page_past_the_end_is_empty(seeded_sandbox: RunningSandbox) -> None:
    with _client(seeded_sandbox) as http:
        body = http.get("/companies", params={"page": 1000, "pageSize": 500}).json()
    assert body["items"] == [] and body["hasMore"] is False


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"pageSize": 501}, ["pageSize"]),
        ({"pageSize": 0}, ["pageSize"]),
        ({"page": 0}, ["page"]),
        ({"page": "two", "pageSize": "x"}, ["page", "pageSize"]),
        ({"updatedSince": "yesterday"}, ["updatedSince"]),
    ],
)
def test_bad_paging_arguments_are_refused_with_problem_details(
    seeded_sandbox: RunningSandbox, params: dict[str, Any], fields: list[str]
) -> None:
    with _client(seeded_sandbox) as http:
        errors = _assert_validation(http.get("/contacts", params=params), *fields)
    if params.get("pageSize") == 501:
        assert errors["pageSize"] == ["The field pageSize must be between 1 and 500."]


def test_updated_since_returns_exactly_the_records_changed_from_that_time(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as http:
        created = [_company(http, name=f"Company {n} AS") for n in range(12)]
        mark = max(parse_iso(c["updatedAt"]) for c in created) + 1
        edited = []
        for company in created[3:9:2]:
            response = http.put(f"/companies/{company['id']}", json={**company, "email": "post@example.no"})
            assert response.status_code == 200
            edited.append(response.json())

        changed = _walk(http, "companies", 1, updatedSince=iso_us(mark))
        assert [c["id"] for c in changed] == [c["id"] for c in edited]
        assert [c["updatedAt"] for c in changed] == sorted(c["updatedAt"] for c in changed)
        # Inclusive: a record changed exactly at updatedSince is returned; one microsecond later it is not.
        first = parse_iso(edited[0]["updatedAt"])
        assert len(_walk(http, "companies", None, updatedSince=iso_us(first))) == 3
        assert len(_walk(http, "companies", None, updatedSince=iso_us(first + 1))) == 2
        # .NET clients send 7 fractional digits and Z.
        dotnet = iso_us(first).replace("+00:00", "0Z")
        assert len(_walk(http, "companies", None, updatedSince=dotnet)) == 3


# -- writes -----------------------------------------------------------------------------------------


def test_create_get_replace_and_delete_single_records(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as http:
        address = {
            "streetAddress": "Karl Johans gate 1",
            "postCode": "0154",
            "postalArea": "Oslo",
            "country": "Norge",
        }
        response = http.post(
            "/companies",
            json={
                "name": "Nordlys AS",
                "orgNr": "923609016",
                "phone": "+47 22 33 44 55",
                "postAddress": address,
            },
        )
        assert response.status_code == 201
        company = response.json()
        uuid.UUID(company["id"])
        assert response.headers["location"].endswith(f"/companies/{company['id']}")
        assert company["createdAt"] == company["updatedAt"] and company["postAddress"] == address
        assert company["visitAddress"] is None and company["email"] is None
        assert http.get(f"/companies/{company['id']}").json() == company
        assert http.get(f"/companies/{company['id'].upper()}").json() == company

        contact = http.post(
            "/contacts",
            json={"givenName": "Kari", "familyName": "Nordmann", "company": {"id": company["id"]}},
        ).json()
        assert contact["company"] == {"id": company["id"], "name": "Nordlys AS"}
        # A GET -> PUT round trip is accepted (server fields are ignored) and changes only updatedAt.
        again = http.put(f"/contacts/{contact['id']}", json=contact)
        assert again.status_code == 200
        assert {**again.json(), "updatedAt": None} == {**contact, "updatedAt": None}

        # PUT replaces the whole record: fields left out become null.
        replaced = http.put(f"/companies/{company['id']}", json={"name": "Nordlys Holding AS"}).json()
        assert replaced["name"] == "Nordlys Holding AS"
        assert replaced["orgNr"] is None and replaced["postAddress"] is None
        assert replaced["createdAt"] == company["createdAt"] and replaced["updatedAt"] > company["updatedAt"]
        assert http.get(f"/contacts/{contact['id']}").json()["company"]["name"] == "Nordlys Holding AS"

        assert http.delete(f"/companies/{company['id']}").status_code == 204
        gone = http.get(f"/companies/{company['id']}")
        assert gone.status_code == 404 and gone.json()["title"] == "Not Found"
        assert http.delete(f"/companies/{company['id']}").status_code == 404
        assert http.put(f"/companies/{company['id']}", json={"name": "x"}).status_code == 404
        assert http.get("/companies").json()["items"] == []
        # The contact loses its company, and shows up as changed.
        orphan = http.get(f"/contacts/{contact['id']}").json()
        assert orphan["company"] is None and orphan["updatedAt"] > again.json()["updatedAt"]
        # No deleted-record feed: the path is not a route (not a GUID), as for any unknown id format.
        assert http.get("/companies/deleted", params={"since": "2024-01-01T00:00:00Z"}).status_code == 404
        assert http.get("/users").status_code == 404


def test_validation_errors_name_each_field_in_aspnet_problem_details(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as http:
        errors = _assert_validation(
            http.post(
                "/companies",
                json={
                    "orgNr": "923609017",
                    "email": "post(at)nordlys.no",
                    "postAddress": {"postCode": "0" * 21},
                },
            ),
            "name",
            "orgNr",
            "email",
            "postAddress.postCode",
        )
        assert errors["name"] == ["The name field is required."]
        assert errors["email"] == ["The email field is not a valid e-mail address."]
        _assert_validation(http.post("/companies", json={"name": "N" * 201}), "name")
        _assert_validation(
            http.post("/contacts", json={"givenName": "Kari", "mobilePhone": "call me"}),
            "familyName",
            "mobilePhone",
        )
        missing = _assert_validation(
            http.post("/contacts", json={"familyName": "Nordmann", "company": {"id": str(uuid.uuid4())}}),
            "company.id",
        )
        assert "no company" in missing["company.id"][0]
        # JSON conversion problems are keyed by JSON path, as System.Text.Json reports them.
        _assert_validation(http.post("/companies", json={"name": 42}), "$.name")
        _assert_validation(http.post("/companies", json={"name": "A", "fax": "1"}), "$.fax")
        _assert_validation(http.post("/companies", json={"name": "A", "postAddress": "B"}), "$.postAddress")
        _assert_validation(http.post("/companies", json=["A"]), "$")
        as_json = {"content-type": "application/json"}
        _assert_validation(http.post("/companies", content=b"{", headers=as_json), "$")
        _assert_validation(http.post("/companies", content=b"", headers=as_json), "")
        unsupported = http.post("/companies", data={"name": "A"})
        assert unsupported.status_code == 415 and unsupported.json()["status"] == 415
        assert http.get("/companies").json()["items"] == []
        assert http.get("/contacts").json()["items"] == []


# -- limits and faults ------------------------------------------------------------------------------


def test_429_with_retry_after_past_300_requests_a_minute(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as http:
        sandbox.rate_scale(SYSTEM, 1)
        statuses = [r.status_code for r in _many(http, [("/companies", {"pageSize": 1})] * 300)]
        assert statuses == [200] * 300
        refused = http.get("/companies")
        assert refused.status_code == 429 and refused.content == b""
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # The token endpoint is not counted.
        assert _token_call(sandbox, grant_type="client_credentials").status_code == 200


def test_injected_faults_appear_at_the_configured_rates(sandbox: RunningSandbox) -> None:
    sandbox.faults(SYSTEM, rate_5xx=0.2, rate_429=0.1, seed=11)
    with _client(sandbox) as http:
        responses = _many(http, [("/companies", {})] * 400)
    errors = [r for r in responses if r.status_code == 500]
    throttled = [r for r in responses if r.status_code == 429]
    assert abs(len(errors) / 400 - 0.2) < 0.07 and abs(len(throttled) / 400 - 0.1) < 0.07
    assert all(r.json()["title"] == "An error occurred while processing your request." for r in errors)
    assert all(r.headers["retry-after"] == "1" for r in throttled)
    injected = sandbox.stats(SYSTEM)["injected"]
    assert (injected["5xx"], injected["429"]) == (len(errors), len(throttled))


def test_a_lost_response_still_applies_the_write(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as http:
        sandbox.faults(SYSTEM, rate_lost=1.0)
        with pytest.raises(httpx.TransportError):
            http.post("/companies", json={"name": "Lost Answer AS"})
        sandbox.faults(SYSTEM, rate_lost=0.0)
        names = [c["name"] for c in http.get("/companies").json()["items"]]
    assert names == ["Lost Answer AS"]


# -- seeding ----------------------------------------------------------------------------------------


def test_seeding_projects_the_world_with_valid_references(seeded_sandbox: RunningSandbox) -> None:
    world = World(7, 300)
    expected = {entity: [row.id for row in rows] for entity, rows in seed.rows(world).items()}
    with _client(seeded_sandbox) as http:
        companies = {c["id"]: c for c in _walk(http, "companies", 500)}
        contacts = _walk(http, "contacts", 500)
    assert list(companies) == expected["companies"] and 240 <= len(companies) <= 360
    assert [c["id"] for c in contacts] == expected["contacts"] and len(contacts) > 50
    for contact in contacts:
        target = companies[contact["company"]["id"]]
        assert contact["company"]["name"] == target["name"]
    org_numbers = [c["orgNr"] for c in companies.values() if c["orgNr"]]
    assert org_numbers and all(valid_org_nr(n) for n in org_numbers)
    first = next(i for i in range(world.companies) if world.present("crmoffice.companies", i))
    assert record_id("companies", first + 1) in companies


def test_new_records_get_ids_after_the_seeded_ones(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, records=20, seed=3) as sb, _client(sb) as http:
        created = _company(http)
    assert created["id"] == record_id("companies", World(3, 20).companies + 1)
