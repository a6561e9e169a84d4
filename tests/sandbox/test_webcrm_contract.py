"""WebCRM emulator contract over real HTTP: login/refresh, 401s, Page/Size paging, FindByUpdateDates, the
/Queries subset, single writes, PATCH batch upsert, validation, the sliding-minute 429, faults, seeding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from sandbox.fields import check
from sandbox.systems.webcrm.api import _bind, _values
from sandbox.systems.webcrm.schema import ENTITIES
from tests.helpers.sandbox import RunningSandbox

SYSTEM = "webcrm"


def _login(sb: RunningSandbox) -> dict[str, Any]:
    response = httpx.post(sb.url(SYSTEM, "/Auth/ApiLogin"), data={"authCode": sb.credentials(SYSTEM)["auth_code"]})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    token = _login(sandbox)["AccessToken"]
    with httpx.Client(base_url=sandbox.url(SYSTEM), headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture(scope="module")
def seeded_api(seeded_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    token = _login(seeded_sandbox)["AccessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=seeded_sandbox.url(SYSTEM), headers=headers) as client:
        yield client


def _org(api: httpx.Client, name: str, **fields: Any) -> int:
    response = api.post("/Organisations", json={"OrganisationName": name, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def _walk(api: httpx.Client, path: str, size: int | None, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        query = {**params, "Page": page} | ({"Size": size} if size is not None else {})
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        batch = response.json()
        assert isinstance(batch, list)
        if not batch:
            return rows
        rows += batch
        page += 1


# -- auth -------------------------------------------------------------------------------------------------


def test_login_gives_the_token_object_and_refresh_rotates(sandbox: RunningSandbox) -> None:
    body = _login(sandbox)
    assert body["TokenType"] == "Bearer" and body["ExpiresIn"] == 3600 and body["IsError"] is False
    assert body["Error"] is None and body["ErrorDescription"] is None and isinstance(body["SystemId"], int)
    assert body["AccessToken"] and body["RefreshToken"]

    # Multipart form, as the public client (tap-webcrm) sends it.
    code = sandbox.credentials(SYSTEM)["auth_code"]
    multipart = httpx.post(sandbox.url(SYSTEM, "/Auth/ApiLogin"), files={"authCode": (None, code)})
    assert multipart.status_code == 200 and multipart.json()["IsError"] is False

    wrong = httpx.post(sandbox.url(SYSTEM, "/Auth/ApiLogin"), data={"authCode": "not-the-code"})
    assert wrong.status_code == 400
    assert wrong.json()["IsError"] is True and wrong.json()["Error"] and wrong.json()["AccessToken"] is None

    refreshed = httpx.post(sandbox.url(SYSTEM, "/Auth/ApiRefresh"), data={"refreshToken": body["RefreshToken"]})
    assert refreshed.status_code == 200 and refreshed.json()["AccessToken"] != body["AccessToken"]
    again = httpx.post(sandbox.url(SYSTEM, "/Auth/ApiRefresh"), data={"refreshToken": body["RefreshToken"]})
    assert again.status_code == 400 and again.json()["IsError"] is True

    token = refreshed.json()["AccessToken"]
    listed = httpx.get(sandbox.url(SYSTEM, "/Organisations"), headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.json() == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_calls_without_a_valid_bearer_token_get_401(sandbox: RunningSandbox, headers: dict[str, str]) -> None:
    for path in ("/Organisations", "/Persons/1", "/Queries?script=SELECT%20*%20FROM%20person"):
        response = httpx.get(sandbox.url(SYSTEM, path), headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == {"Message", "Type"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert sandbox.stats(SYSTEM)["unauthorized"] == 3


# -- paging -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", list(ENTITIES))
@pytest.mark.parametrize("size", [1, None, 1000])
def test_paging_walks_every_record_once(
    seeded_sandbox: RunningSandbox, seeded_api: httpx.Client, entity: str, size: int | None
) -> None:
    rows = _walk(seeded_api, f"/{entity}", size)
    ids = [row[ENTITIES[entity].id_field] for row in rows]
    assert len(ids) == len(set(ids)) == seeded_sandbox.app.store.count(SYSTEM, entity) > 100
    assert ids == sorted(ids)
    if size is None:
        assert len(seeded_api.get(f"/{entity}").json()) == 50


def test_page_and_size_limits_are_enforced(api: httpx.Client) -> None:
    for params, field in (
        ({"Size": 1001}, "Size"),
        ({"Size": 0}, "Size"),
        ({"Size": "ten"}, "Size"),
        ({"Page": 0}, "Page"),
        ({"Page": 1_000_001}, "Page"),
    ):
        response = api.get("/Organisations", params=params)
        assert response.status_code == 400, params
        assert response.json()["status"] == 400 and field in response.json()["errors"]
    assert api.get("/Organisations", params={"Page": 1_000_000, "Size": 1000}).json() == []
    # Query parameters bind case-insensitively.
    _org(api, "A")
    _org(api, "B")
    assert len(api.get("/Organisations", params={"page": 2, "size": 1}).json()) == 1


# -- modified-since -----------------------------------------------------------------------------------------


def _updated(api: httpx.Client, entity: str, id: int) -> str:
    return api.get(f"/{entity}/{id}").json()[f"{ENTITIES[entity].prefix}UpdatedAt"]


def test_find_by_update_dates_is_a_half_open_interval(api: httpx.Client) -> None:
    ids = [_org(api, f"Org {n}") for n in range(6)]
    # Edit two older ones so update order differs from id order.
    for id in (ids[0], ids[1]):
        record = api.get(f"/Organisations/{id}").json()
        assert api.put(f"/Organisations/{id}", json={**record, "OrganisationCity": "Aarhus"}).status_code == 200
    order = [ids[2], ids[3], ids[4], ids[5], ids[0], ids[1]]
    stamps = [_updated(api, "Organisations", id) for id in order]
    start, end = quote(stamps[1], safe=""), quote(stamps[4], safe="")
    rows = _walk(api, f"/Organisations/FindByUpdateDates/{start}/{end}", 2)
    assert [r["OrganisationId"] for r in rows] == order[1:4]
    zulu = stamps[0].replace("+00:00", "Z")
    everything = api.get(f"/Organisations/FindByUpdateDates/{zulu}/2100-01-01T00:00:00").json()
    assert [r["OrganisationId"] for r in everything] == order
    assert api.get("/Organisations/FindByUpdateDates/yesterday/today").status_code == 400


def test_queries_return_exactly_the_records_changed_after_a_time(api: httpx.Client) -> None:
    org = _org(api, "Employer")
    people = []
    for n in range(8):
        response = api.post("/Persons", json={"PersonOrganisationId": org, "PersonLastName": f"Person {n}"})
        people.append(response.json())
    since = _updated(api, "Persons", people[-1])
    edited = [people[5], people[1], people[3]]
    for id in edited:
        record = api.get(f"/Persons/{id}").json()
        assert api.put(f"/Persons/{id}", json={**record, "PersonTitle": "CEO"}).status_code == 200

    script = f"SELECT * FROM person WHERE PersonUpdatedAt > '{since}' ORDER BY PersonUpdatedAt"
    rows = _walk(api, "/Queries", 1, script=script)
    assert [r["PersonId"] for r in rows] == edited and all(r["PersonTitle"] == "CEO" for r in rows)

    aliased = f"select * from person t where t.PersonUpdatedAt >= '{since}' order by t.PersonUpdatedAt asc"
    assert [r["PersonId"] for r in api.get("/Queries", params={"script": aliased}).json()] == [
        people[-1],
        *edited,
    ]

    upper = _updated(api, "Persons", edited[1])
    window = f"SELECT * FROM person WHERE PersonUpdatedAt > '{since}' AND PersonUpdatedAt < '{upper}'"
    assert [r["PersonId"] for r in api.get("/Queries", params={"script": window}).json()] == [edited[0]]

    newest = "SELECT * FROM person ORDER BY PersonUpdatedAt DESC"
    assert [r["PersonId"] for r in api.get("/Queries", params={"script": newest, "Size": 3}).json()] == edited[::-1]
    by_id = api.get("/Queries", params={"script": "SELECT * FROM person ORDER BY PersonId", "Size": 1000}).json()
    assert [r["PersonId"] for r in by_id] == people


def test_queries_read_records_by_id(api: httpx.Client) -> None:
    people = [api.post("/Persons", json={"PersonLastName": f"Person {n}"}).json() for n in range(5)]
    wanted = [people[3], people[0], 999_999]  # one id that does not exist
    script = f"SELECT * FROM person p WHERE p.PersonId IN ({', '.join(map(str, wanted))}) ORDER BY PersonId"
    rows = api.get("/Queries", params={"script": script}).json()
    assert [r["PersonId"] for r in rows] == [people[0], people[3]]
    assert rows[0] == api.get(f"/Persons/{people[0]}").json()
    assert [r["PersonId"] for r in _walk(api, "/Queries", 1, script=script)] == [people[0], people[3]]


@pytest.mark.parametrize(
    ("script", "named"),
    [
        ("SELECT PersonName FROM person", "PersonName"),
        ("SELECT * FROM deal", "deal"),
        ("SELECT * FROM person WHERE PersonEmail = 'a@b.dk'", "PersonEmail"),
        ("SELECT * FROM person WHERE PersonUpdatedAt = '2024-01-01T00:00:00Z'", "'='"),
        ("SELECT * FROM person WHERE PersonUpdatedAt > '2024-01-01' OR PersonId > 3", "OR"),
        ("SELECT * FROM person ORDER BY PersonName", "PersonName"),
        ("SELECT * FROM person LIMIT 5", "LIMIT"),
        ("DELETE FROM person", "DELETE"),
        ("SELECT * FROM person WHERE PersonUpdatedAt > 'soon'", "soon"),
        ("SELECT * FROM person WHERE PersonId IN ('a')", "'a'"),
        ("SELECT * FROM person WHERE PersonId IN (1; 2)", "';'"),
        ("SELECT * FROM person WHERE PersonId IN (1) AND PersonId IN (2)", "second IN"),
    ],
)
def test_queries_refuse_unsupported_scripts(api: httpx.Client, script: str, named: str) -> None:
    response = api.get("/Queries", params={"script": script})
    assert response.status_code == 400
    body = response.json()
    assert body["Type"] == "BadRequestException" and named in body["Message"]


def test_queries_require_a_script(api: httpx.Client) -> None:
    response = api.get("/Queries")
    assert response.status_code == 400 and "script" in response.json()["errors"]


# -- writes ------------------------------------------------------------------------------------------------


def test_single_create_get_replace_delete(api: httpx.Client) -> None:
    created = api.post("/Organisations", json={"OrganisationName": "Nordlys ApS", "OrganisationCity": "Odense"})
    assert created.status_code == 200 and isinstance(created.json(), int)
    id = created.json()
    first = api.get(f"/Organisations/{id}").json()
    assert first["OrganisationId"] == id and first["OrganisationCity"] == "Odense"
    assert first["OrganisationCreatedAt"] == first["OrganisationUpdatedAt"]
    assert first["OrganisationCreatedAt"].endswith("+00:00") and "." in first["OrganisationCreatedAt"]
    assert first["OrganisationWww"] == ""  # unset strings read as "", not null

    # PUT replaces the whole object: a field left out is cleared.
    replaced = api.put(f"/Organisations/{id}", json={"OrganisationName": "Nordlys A/S", "OrganisationWww": "x.dk"})
    assert replaced.status_code == 200 and replaced.content == b""
    second = api.get(f"/Organisations/{id}").json()
    assert second["OrganisationName"] == "Nordlys A/S" and second["OrganisationCity"] == ""
    assert second["OrganisationCreatedAt"] == first["OrganisationCreatedAt"]
    assert second["OrganisationUpdatedAt"] > first["OrganisationUpdatedAt"]

    product = api.post("/Products", json={"ProductName": "Widget", "ProductPrice": 12.5, "ProductQuantity": 3})
    assert api.get(f"/Products/{product.json()}").json()["ProductQuantity"] == 3.0
    assert api.delete(f"/Products/{product.json()}").status_code == 200
    assert api.get(f"/Products/{product.json()}").status_code == 404
    assert api.delete(f"/Products/{product.json()}").status_code == 404

    person = api.post("/Persons", json={"PersonOrganisationId": id, "PersonFirstName": "Ida", "PersonLastName": "Holm"})
    assert api.get(f"/Persons/{person.json()}").json()["PersonName"] == "Ida Holm"
    assert api.delete(f"/Organisations/{id}").status_code == 200
    assert api.get("/Organisations").json() == [] and api.get("/Persons").json() == []

    born = api.post("/Persons", json={"PersonName": "Bo", "PersonBirthday": "1980-05-01T00:00:00"}).json()
    assert api.get(f"/Persons/{born}").json()["PersonBirthday"] == "1980-05-01"


def test_validation_errors_come_in_the_problem_shape(api: httpx.Client) -> None:
    def errors(path: str, body: Any, method: str = "POST") -> dict[str, list[str]]:
        response = api.request(method, path, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["title"] == "One or more validation errors occurred."
        return response.json()["errors"]

    assert errors("/Organisations", {"OrganisationCity": "Vejle"}) == {
        "OrganisationName": ["The OrganisationName field is required."]
    }
    assert errors("/Organisations", {"OrganisationName": "x" * 201, "OrganisationWww": "w" * 51}) == {
        "OrganisationName": ["The field OrganisationName must be a string with a maximum length of 200."],
        "OrganisationWww": ["The field OrganisationWww must be a string with a maximum length of 50."],
    }
    assert errors("/Persons", {"PersonLastName": "Holm", "PersonEmail": "not-an-email"}) == {
        "PersonEmail": ["The PersonEmail field is not a valid e-mail address."]
    }
    assert "PersonName" in errors("/Persons", {"PersonEmail": "a@b.dk"})
    assert "PersonOrganisationId" in errors("/Persons", {"PersonLastName": "Holm", "PersonOrganisationId": 4242})
    assert "OrganisationName" in errors("/Organisations", {"OrganisationName": 12})
    assert "Colour" in errors("/Organisations", {"OrganisationName": "A", "Colour": "red"})
    assert "OrganisationId" in errors("/Organisations", {"OrganisationName": "A", "OrganisationId": 7})
    assert "$" in errors("/Organisations", "[not json")
    id = _org(api, "Kept")
    assert "OrganisationId" in errors(
        f"/Organisations/{id}", {"OrganisationId": id + 1, "OrganisationName": "B"}, "PUT"
    )
    assert api.get(f"/Organisations/{id}").json()["OrganisationName"] == "Kept"

    missing = api.get("/Organisations/987654")
    assert missing.status_code == 404 and missing.json()["Type"] == "NotFoundException"
    assert api.get("/Organisations/abc").status_code == 400
    assert api.get("/Deals").status_code == 404


def test_patch_batch_answers_id_or_error_per_item_and_writes_the_valid_ones(api: httpx.Client) -> None:
    existing = _org(api, "Old name")
    items = [
        {"OrganisationName": "Fresh ApS"},
        {"OrganisationName": "x" * 201},
        {"OrganisationId": existing, "OrganisationName": "New name", "OrganisationCity": "Aalborg"},
        {"OrganisationCity": "Nowhere"},
        {"OrganisationId": 555555, "OrganisationName": "Ghost"},
        {"OrganisationId": 0, "OrganisationName": "Also fresh"},
    ]
    response = api.patch("/Organisations", json=items)
    assert response.status_code == 200
    results = response.json()
    assert len(results) == len(items) and all(isinstance(r, str) for r in results)
    assert results[1] == "OrganisationName: The field OrganisationName must be a string with a maximum length of 200."
    assert results[2] == str(existing)
    assert results[3] == "OrganisationName: The OrganisationName field is required."
    assert results[4].startswith("OrganisationId: ") and "555555" in results[4]
    new_ids = [int(results[0]), int(results[5])]
    assert api.get(f"/Organisations/{new_ids[0]}").json()["OrganisationName"] == "Fresh ApS"
    assert api.get(f"/Organisations/{existing}").json()["OrganisationCity"] == "Aalborg"
    names = sorted(r["OrganisationName"] for r in api.get("/Organisations").json())
    assert names == ["Also fresh", "Fresh ApS", "New name"]

    # Persons in the same batch may point to an organisation written by it.
    people = api.patch("/Persons", json=[{"PersonLastName": "Berg", "PersonOrganisationId": new_ids[1]}])
    assert api.get(f"/Persons/{people.json()[0]}").json()["PersonOrganisationId"] == new_ids[1]


def test_patch_batch_limits_and_binding_errors_refuse_the_whole_request(api: httpx.Client) -> None:
    too_many = api.patch("/Products", json=[{"ProductName": f"P{n}"} for n in range(101)])
    assert too_many.status_code == 400 and "100" in too_many.json()["Message"]
    full = api.patch("/Products", json=[{"ProductName": f"P{n}"} for n in range(100)])
    assert full.status_code == 200 and all(r.isdigit() for r in full.json())

    typed = api.patch("/Products", json=[{"ProductName": "Fine"}, {"ProductName": "Bad", "ProductPrice": "12"}])
    assert typed.status_code == 400 and "$[1].ProductPrice" in typed.json()["errors"]
    assert api.patch("/Products", json={"ProductName": "not an array"}).status_code == 400
    assert len(_walk(api, "/Products", 1000)) == 100


# -- limits and faults --------------------------------------------------------------------------------------


def test_the_251st_call_in_a_minute_gets_429(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.rate_scale(SYSTEM, 1)
    for _ in range(250):
        assert api.get("/Organisations", params={"Size": 1}).status_code == 200
    refused = api.get("/Organisations")
    assert refused.status_code == 429
    body = refused.json()
    assert body["Type"] == "TooManyRequestsException" and 1 <= body["RetryAfterSeconds"] <= 60
    assert body["Message"] == f"The request was throttled. Retry after {body['RetryAfterSeconds']} seconds."
    assert refused.headers["Retry-After"] == str(body["RetryAfterSeconds"])
    # The token endpoint is not counted.
    assert _login(sandbox)["IsError"] is False


def test_injected_faults_appear_at_the_configured_rates(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_5xx=0.2, rate_429=0.1, seed=11)
    statuses = [api.get("/Organisations", params={"Size": 1}).status_code for _ in range(400)]
    assert abs(statuses.count(500) / 400 - 0.2) < 0.07
    assert abs(statuses.count(429) / 400 - 0.1) < 0.06
    assert statuses.count(200) + statuses.count(500) + statuses.count(429) == 400
    sandbox.faults(SYSTEM, rate_5xx=1.0, rate_429=0.0)
    failed = api.get("/Organisations")
    assert failed.status_code == 500 and set(failed.json()) == {"Message", "Type"}


def test_a_lost_response_still_applies_the_write(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_lost=1.0)
    with pytest.raises(httpx.TransportError):
        api.post("/Organisations", json={"OrganisationName": "Written anyway"})
    sandbox.faults(SYSTEM, rate_lost=0.0)
    assert [r["OrganisationName"] for r in api.get("/Organisations").json()] == ["Written anyway"]


# -- seeding -------------------------------------------------------------------------------------------------


def test_seeding_gives_the_expected_share_with_valid_references(
    seeded_sandbox: RunningSandbox, seeded_api: httpx.Client
) -> None:
    orgs = _walk(seeded_api, "/Organisations", 1000)
    persons = _walk(seeded_api, "/Persons", 1000)
    products = _walk(seeded_api, "/Products", 1000)
    assert 240 <= len(orgs) <= 360 and 240 <= len(products) <= 360
    assert 50 <= len(persons) <= 360
    org_ids = {o["OrganisationId"] for o in orgs}
    assert all(p["PersonOrganisationId"] in org_ids for p in persons)
    # Seeded records are ones the API itself would accept.
    for entity, rows in (("Organisations", orgs), ("Persons", persons), ("Products", products)):
        spec = ENTITIES[entity]
        for row in rows:
            assert not _bind(spec, row, ""), row
            assert not check(_values(spec, row), spec.fields, creating=True), row


def test_new_ids_come_after_the_seeded_ones(sandbox: RunningSandbox, api: httpx.Client) -> None:
    counts = sandbox.admin("POST", "/seed", {"records": 40, "seed": 3, "systems": [SYSTEM]})
    assert counts["webcrm.Organisations"] > 0
    populations = round(40 / 0.7)
    assert all(r["OrganisationId"] <= populations for r in api.get("/Organisations", params={"Size": 1000}).json())
    assert _org(api, "After seeding") == populations + 1
