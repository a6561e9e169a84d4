"""The six writers over real HTTP against the sandbox: creates and updates land field by field, bad records are
rejected per record naming the field while the others land, batches are real, a lost answer is "failed" and
find_created finds the record, and `requests()` is exactly what `write()` sends."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connectors import CLIENTS
from connectors.base import Client, CRMError, RetryPolicy
from reverse_etl.writers import Request, Write, Writer, writer_for
from reverse_etl.writers.base import run_all, same, value_at
from tests.helpers.sandbox import RunningSandbox, running_sandbox

HOSTILE = '\'; DROP TABLE x; -- "quoted" <script>alert(1)</script> Ærø Tromsø 😀 \u200b中文'


@dataclass
class Case:
    """What one system's writer is tried with: an entity, valid records, an update, and bad records each with
    the field the API must name."""

    system: str
    entity: str
    valid: Callable[[int, dict[str, str]], dict[str, Any]]  # (n, seeded ids) -> fields of a valid create
    update: dict[str, Any]
    invalid: list[tuple[dict[str, Any], str]]
    # An existing record whose other fields an update must keep, and a field to check for that.
    kept: str
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (entity, id field) to seed from


CASES = [
    Case(
        "zohocrm",
        "Contacts",
        lambda n, refs: {
            "First_Name": f"Zoë {n}",
            "Last_Name": HOSTILE[:80],
            "Email": f"writer.{n}@example.no",
            "Mailing_City": "Tromsø 🎉",
            "Account_Name.id": refs["account"],
        },
        {"Mobile": "+47 900 00 001", "Title": "<b>CEO</b>"},
        [
            ({"Last_Name": "x" * 81}, "Last_Name"),
            ({"Last_Name": "Valid", "Email": "not-an-email"}, "Email"),
            ({"First_Name": "No last name"}, "Last_Name"),
        ],
        kept="Email",
        refs={"account": ("Accounts", "id")},
    ),
    Case(
        "poweroffice",
        "Customers",
        lambda n, refs: {
            "Name": f"{HOSTILE} {n}",
            "EmailAddress": f"writer.{n}@example.no",
            "MailAddress.City": "Tromsø 🎉",
            "MailAddress.ZipCode": "9008",
            "MailAddress.AddressLine1": "<script>x</script> 1",
            "DepartmentId": refs["department"],
        },
        {"PhoneNumber": "+47 900 00 002", "MailAddress.City": "Bø i Telemark"},
        [
            ({"Name": "x" * 201}, "Name"),
            ({"Name": "Valid", "EmailAddress": "not-an-email"}, "EmailAddress"),
            ({"EmailAddress": "no.name@example.no"}, "Name"),
        ],
        kept="EmailAddress",
        refs={"department": ("Departments", "Id")},
    ),
    Case(
        "exact",
        "Accounts",
        lambda n, refs: {
            "Name": f"{HOSTILE[:90]} {n}",
            "Email": f"writer.{n}@example.nl",
            "City": "Tromsø 🎉",
            "AddressLine1": "<script>x</script>",
        },
        {"Phone": "+31 20 000 0003", "City": "'s-Hertogenbosch"},
        [
            ({"Name": "x" * 101}, "Name"),
            ({"Name": "Valid", "Email": "not-an-email"}, "Email"),
            ({"City": "No name"}, "Name"),
        ],
        kept="Email",
    ),
    Case(
        "webcrm",
        "Persons",
        lambda n, refs: {
            "PersonFirstName": f"Zoë {n}",
            "PersonLastName": HOSTILE[:50],
            "PersonEmail": f"writer.{n}@example.dk",
            "PersonTitle": "<script>x</script>",
            "PersonOrganisationId": refs["organisation"],
        },
        {"PersonMobilePhone": "+45 20 00 00 04", "PersonTitle": "Direktør 😀"},
        [
            ({"PersonFirstName": "x" * 51, "PersonLastName": "Valid"}, "PersonFirstName"),
            ({"PersonLastName": "Valid", "PersonEmail": "not-an-email"}, "PersonEmail"),
            ({"PersonEmail": "no.name@example.dk"}, "PersonName"),
            # A wrong JSON type fails WebCRM's whole batch in model binding; the writer must single it out.
            ({"PersonLastName": "Valid", "PersonTitle": 12.5}, "PersonTitle"),
        ],
        kept="PersonEmail",
        refs={"organisation": ("Organisations", "OrganisationId")},
    ),
    Case(
        "crmoffice",
        "contacts",
        lambda n, refs: {
            "givenName": f"Zoë {n}",
            "familyName": HOSTILE[:100],
            "email": f"writer.{n}@example.no",
            "title": "<script>x</script>",
            "company.id": refs["company"],
        },
        {"mobilePhone": "+47 900 00 005", "title": "Daglig leder"},
        [
            ({"familyName": "x" * 101}, "familyName"),
            ({"familyName": "Valid", "email": "not-an-email"}, "email"),
            ({"givenName": "No family name"}, "familyName"),
        ],
        kept="email",
        refs={"company": ("companies", "id")},
    ),
    Case(
        "customcrm",
        "customers",
        lambda n, refs: {
            "Name": f"{HOSTILE} {n}",
            "Email": f"writer.{n}@example.no",
            "City": "Tromsø 🎉",
            "Description": "<script>alert(1)</script>\n'; DROP TABLE customers; --",
        },
        {"Phone": "+47 900 00 006", "City": "Ålesund"},
        [
            ({"Name": "x" * 201}, "Name"),
            ({"Name": "Valid", "Email": "not-an-email"}, "Email"),
            ({"City": "No name"}, "Name"),
        ],
        kept="Email",
    ),
]
BY_SYSTEM = {case.system: case for case in CASES}


class Recorder(httpx.HTTPTransport):
    """Keeps every request a client sends (method, URL, parsed JSON body)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        parsed = json.loads(body) if body and "json" in request.headers.get("content-type", "") else None
        self.sent.append((request.method, str(request.url), parsed))
        return super().handle_request(request)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("writers"), records=50, seed=5) as running:
        yield running


def client(sandbox: RunningSandbox, system: str, *, paced: bool = False, **kwargs: Any) -> Client:
    # The sandbox runs without rate limits here, so the functional tests skip the client's pace.
    pace = {} if paced else {"requests_per_second": 0}
    return CLIENTS[system](sandbox.url(system), sandbox.credentials(system), **pace, **kwargs)


def seeded_ids(c: Client, entity: str, id_field: str) -> list[str]:
    return [str(r[id_field]) for r in next(iter(c.pages(entity)))]


def refs_for(c: Client, case: Case) -> dict[str, str]:
    return {name: seeded_ids(c, entity, id_field)[0] for name, (entity, id_field) in case.refs.items()}


def assert_landed(c: Client, entity: str, record_id: str, fields: dict[str, Any]) -> None:
    record = c.get(entity, record_id)
    for path, sent in fields.items():
        found = value_at(record, path)
        if isinstance(sent, str) and isinstance(found, str):
            assert found == sent, f"{path}: sent {sent!r}, reads back {found!r}"  # byte-exact
        else:
            assert same(sent, found), f"{path}: sent {sent!r}, reads back {found!r}"


def sent_writes(recorder: Recorder) -> list[tuple[str, str, str]]:
    """The writes a client sent (not its reads, nor token calls, which carry a form), comparable with Requests."""
    return sorted((m, u, json.dumps(b, sort_keys=True)) for m, u, b in recorder.sent if m != "GET" and b is not None)


def as_sent(requests: list[Request]) -> list[tuple[str, str, str]]:
    return sorted((r.method, r.url, json.dumps(r.json, sort_keys=True)) for r in requests)


# -- create and update, field by field ----------------------------------------------------------------


@pytest.mark.parametrize("system", list(BY_SYSTEM))
def test_create_and_update_land_and_bad_records_are_rejected_alone(world: RunningSandbox, system: str) -> None:
    case = BY_SYSTEM[system]
    recorder = Recorder()
    with client(world, system, transport=recorder) as c:
        writer = writer_for(system, c)
        refs = refs_for(c, case)
        valid = [Write(f"ok{n}", None, case.valid(n, refs)) for n in range(3)]
        bad = [Write(f"bad{n}", None, fields) for n, (fields, _) in enumerate(case.invalid)]
        # Bad records in the middle of the batch, so that the valid ones on both sides must land.
        writes = [valid[0], *bad[:2], valid[1], *bad[2:], valid[2]]
        planned = writer.requests(case.entity, writes)
        recorder.sent.clear()
        results = writer.write(case.entity, writes)

        assert [r.key for r in results] == [w.key for w in writes]
        by_key = {r.key: r for r in results}
        for w in valid:
            assert by_key[w.key].status == "created", by_key[w.key]
            assert_landed(c, case.entity, str(by_key[w.key].record_id), w.fields)
        for w, (_, named) in zip(bad, case.invalid, strict=True):
            result = by_key[w.key]
            assert result.status == "rejected", result
            assert result.field == named, result
            assert result.error and result.http_status and result.http_status >= 200
        if writer.batch_size > 1 and system != "webcrm":
            assert len(planned) == 1  # one batch holds all seven
        if system == "webcrm":
            # WebCRM refused the planned batch whole (a wrong JSON type); the writer sent it, then the rest.
            assert as_sent(planned)[0] in sent_writes(recorder) and len(sent_writes(recorder)) == 2
        else:
            assert sent_writes(recorder) == as_sent(planned)

        # Updates: two records created above and one seeded record; the fields not sent stay as they were.
        existing = seeded_ids(c, case.entity, id_field(case))[1]
        before = c.get(case.entity, existing)
        targets = [str(by_key["ok0"].record_id), str(by_key["ok1"].record_id), existing]
        updates = [Write(f"u{i}", record_id, case.update) for i, record_id in enumerate(targets)]
        planned = writer.requests(case.entity, updates)
        recorder.sent.clear()
        results = writer.write(case.entity, updates)
        assert [r.status for r in results] == ["updated"] * 3, results
        assert [r.record_id for r in results] == targets
        assert sent_writes(recorder) == as_sent(planned)
        for record_id in targets:
            assert_landed(c, case.entity, record_id, case.update)
        assert_landed(c, case.entity, targets[0], {case.kept: valid[0].fields[case.kept]})
        assert value_at(c.get(case.entity, existing), case.kept) == value_at(before, case.kept)


@pytest.mark.parametrize("system", list(BY_SYSTEM))
def test_one_record_at_a_time_creates_updates_and_deletes(world: RunningSandbox, system: str) -> None:
    """The single-record methods tests and benchmarks write with: the same requests as the push's, one record."""
    case = BY_SYSTEM[system]
    with client(world, system) as c:
        writer = writer_for(system, c)
        fields = case.valid(90, refs_for(c, case))
        record_id = writer.create(case.entity, fields)
        writer.update(case.entity, record_id, case.update)
        assert_landed(c, case.entity, record_id, {**fields, **case.update})
        bad, named = case.invalid[0]
        with pytest.raises(CRMError, match=named) as refused:
            writer.update(case.entity, record_id, bad)
        assert refused.value.system == system and refused.value.status
        writer.delete(case.entity, record_id)
        assert record_id not in {str(r[id_field(case)]) for page in c.pages(case.entity) for r in page}


def id_field(case: Case) -> str:
    return {"zohocrm": "id", "poweroffice": "Id", "exact": "ID", "webcrm": "PersonId"}.get(
        case.system, "Id" if case.system == "customcrm" else "id"
    )


def test_update_of_a_missing_record_is_rejected(world: RunningSandbox) -> None:
    for system, missing in (("customcrm", "cus_99999999"), ("poweroffice", "59999999"), ("webcrm", "999999")):
        case = BY_SYSTEM[system]
        with client(world, system) as c:
            (result,) = writer_for(system, c).write(case.entity, [Write("gone", missing, case.update)])
        assert result.status == "rejected", result
        assert result.record_id == missing


def test_values_the_api_cannot_take_are_rejected_before_sending(world: RunningSandbox) -> None:
    with client(world, "webcrm") as c:
        writer = writer_for("webcrm", c)
        writes = [Write("x", None, {"PersonLastName": "Valid", "PersonOrganisationId": "not-a-number"})]
        assert writer.requests("Persons", writes) == []
        (result,) = writer.write("Persons", writes)
    assert (result.status, result.field) == ("rejected", "PersonOrganisationId")


def test_poweroffice_patch_into_a_customer_without_address_creates_it(world: RunningSandbox) -> None:
    with client(world, "poweroffice") as c:
        writer = writer_for("poweroffice", c)
        (created,) = writer.write("Customers", [Write("c", None, {"Name": "No address yet AS"})])
        assert c.get("Customers", str(created.record_id))["MailAddress"] is None
        change = {"MailAddress.City": "Tromsø", "MailAddress.ZipCode": "9008", "PhoneNumber": "+47 77 00 00 00"}
        (updated,) = writer.write("Customers", [Write("u", created.record_id, change)])
        assert updated.status == "updated", updated
        assert_landed(c, "Customers", str(created.record_id), change)


# -- batching and pacing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("system", "count", "calls"), [("customcrm", 250, 3), ("zohocrm", 250, 3), ("webcrm", 150, 2)])
def test_batches_are_real(world: RunningSandbox, system: str, count: int, calls: int) -> None:
    case = BY_SYSTEM[system]
    with client(world, system) as c:
        writer = writer_for(system, c)
        refs = refs_for(c, case)
        writes = [Write(f"b{n}", None, case.valid(1000 + n, refs)) for n in range(count)]
        before = c.calls
        results = writer.write(case.entity, writes)
        assert c.calls - before == calls
    assert all(r.status == "created" for r in results)
    assert len({r.record_id for r in results}) == count


def test_paced_client_stays_under_poweroffice_limit(world: RunningSandbox) -> None:
    """With the sandbox's real 10 requests/s window on, concurrent writes through the paced client draw no 429."""
    world.rate_scale("poweroffice", 1.0)
    try:
        throttled = world.stats("poweroffice")["throttled"]
        with client(world, "poweroffice", paced=True) as c:
            writes = [Write(f"p{n}", None, {"Name": f"Paced {n} AS"}) for n in range(25)]
            started = time.monotonic()
            results = writer_for("poweroffice", c).write("Customers", writes)
            elapsed = time.monotonic() - started
        assert all(r.status == "created" for r in results)
        assert world.stats("poweroffice")["throttled"] == throttled
        assert elapsed >= 24 / c.requests_per_second * 0.9  # type: ignore[operator]
    finally:
        world.rate_scale("poweroffice", 0.0)


# -- lost answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("system", list(BY_SYSTEM))
def test_lost_create_is_failed_and_found_again(world: RunningSandbox, system: str) -> None:
    case = BY_SYSTEM[system]
    with client(world, system, timeout=5.0) as c:
        writer = writer_for(system, c)
        refs = refs_for(c, case)
        twins = [
            Write(f"lost{n}", None, case.valid(5000, refs) | {case.kept: f"twin@{system}.example"}) for n in (1, 2)
        ]
        if system in ("zohocrm",):  # Zoho keeps Email unique: twins differ in it
            twins = [Write(f"lost{n}", None, case.valid(5000 + n, refs)) for n in (1, 2)]
        since = datetime.now(UTC)
        world.faults(system, rate_lost=1.0)
        try:
            results = writer.write(case.entity, twins)
        finally:
            world.faults(system, rate_lost=0.0)
        assert [r.status for r in results] == ["failed", "failed"], results
        assert all(r.http_status is None and r.error for r in results)

        found = writer.find_created(case.entity, since, twins, set())
        assert set(found) == {"lost1", "lost2"}
        assert len(set(found.values())) == 2  # each record adopted once
        for w in twins:
            assert_landed(c, case.entity, found[w.key], w.fields)
        # Ids the push already holds are never adopted again, and older records are not candidates.
        again = writer.find_created(case.entity, since, twins, set(found.values()))
        assert again == {}
        # (Zoho shows whole seconds, so a record of the same second counts as created at `since`.)
        assert writer.find_created(case.entity, datetime.now(UTC) + timedelta(seconds=1), twins, set()) == {}


def test_lost_update_is_retried_then_failed(world: RunningSandbox) -> None:
    """An update may be repeated: the client retries it with backoff; a create is never repeated blindly."""
    with client(world, "customcrm", timeout=5.0) as c:
        c.retry = RetryPolicy(attempts=3, base_seconds=0.01)
        writer = writer_for("customcrm", c)
        existing = seeded_ids(c, "customers", "Id")[2]
        world.faults("customcrm", rate_lost=1.0)
        try:
            before = c.calls
            (result,) = writer.write("customers", [Write("u", existing, {"City": "Lost"})])
            calls = c.calls - before
        finally:
            world.faults("customcrm", rate_lost=0.0)
    assert result.status == "failed" and calls == 3


# -- a batch refused as a whole -----------------------------------------------------------------------


def test_batch_refused_whole_is_split_until_the_bad_record_stands_alone() -> None:
    """An API that refuses a whole batch without naming the record: the writer halves it, every good record
    lands and the bad one is rejected with the API's text."""
    received: list[int] = []

    def api(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)["items"]
        received.append(len(items))
        if any(item.get("Name") == "poison" for item in items):
            return httpx.Response(400, json={"error": {"code": "invalid_body", "message": "poison in batch"}})
        results = [{"index": i, "id": f"cus_{i}", "status": "created"} for i in range(len(items))]
        return httpx.Response(200, json={"results": results})

    c = CLIENTS["customcrm"]("http://api.test", {"api_key": "k"}, transport=httpx.MockTransport(api))
    writes = [Write(f"k{n}", None, {"Name": "poison" if n == 5 else f"ok {n}"}) for n in range(8)]
    results = writer_for("customcrm", c).write("customers", writes)
    assert [r.status for r in results] == ["created"] * 5 + ["rejected"] + ["created"] * 2
    assert "poison in batch" in str(results[5].error)
    assert received[0] == 8 and sum(1 for n in received if n == 1) >= 1


def test_writer_registry_knows_all_six() -> None:
    for system in BY_SYSTEM:
        writer: Writer = writer_for(system, CLIENTS[system]("http://x.test", {"division": "1"}))
        assert writer.system == system and writer.batch_size >= 1 and writer.concurrency >= 1
    with pytest.raises(ValueError, match="no writer"):
        writer_for("nosuch", CLIENTS["customcrm"]("http://x.test", {}))


def test_webcrm_updates_read_their_records_by_id_not_one_get_each(world: RunningSandbox) -> None:
    """Updates send whole records: each batch of them is read in one Query API call, and each keeps the fields
    the plan did not send; a record that is gone is rejected alone."""
    with client(world, "webcrm") as c:
        writer = writer_for("webcrm", c)
        new = [Write(f"n{i}", None, {"PersonName": f"Reader {i}", "PersonEmail": f"r{i}@x.dk"}) for i in range(150)]
        ids = [str(r.record_id) for r in writer.write("Persons", new)]
        before = {i: c.get("Persons", i) for i in ids}
        writes = [Write(f"w{i}", record_id, {"PersonTitle": f"Title {i}"}) for i, record_id in enumerate(ids)]
        gone = Write("gone", "999999", {"PersonTitle": "Nobody"})
        calls = c.calls
        results = writer.write("Persons", [*writes, gone])
        # Two queries (100 + 51 ids), one GET telling that 999999 is gone (404), two PATCH batches of 100 and 50.
        assert c.calls - calls == 5
        assert results[-1].status == "rejected" and results[-1].http_status == 404
        results = results[:-1]
        assert all(r.status == "updated" for r in results)
        for i, record_id in enumerate(ids):
            after = c.get("Persons", record_id)
            assert after["PersonTitle"] == f"Title {i}"
            assert {k: v for k, v in after.items() if k not in ("PersonTitle", "PersonUpdatedAt")} == {
                k: v for k, v in before[record_id].items() if k not in ("PersonTitle", "PersonUpdatedAt")
            }


def test_zoho_integer_fields_take_plan_floats(world: RunningSandbox) -> None:
    with client(world, "zohocrm") as c:
        fields = {"Deal_Name": "Float probability", "Stage": "Qualification", "Probability": 35.0, "Amount": 1250.5}
        (result,) = writer_for("zohocrm", c).write("Deals", [Write("d", None, fields)])
        assert result.status == "created", result
        assert_landed(c, "Deals", str(result.record_id), fields)


def test_a_client_is_safe_to_share_between_threads(world: RunningSandbox) -> None:
    """Exact's refresh tokens are single-use: threads that find the token revoked at once must refresh once, not
    each with the same refresh token; the call counter counts every call."""
    with client(world, "exact") as c:
        account = seeded_ids(c, "Accounts", "ID")[0]  # authenticates
        world.admin("POST", "/tokens/exact/revoke")
        calls = c.calls
        reads = run_all(lambda _: c.get("Accounts", account)["ID"], range(40), 8)
    assert reads == [account] * 40
    assert c.calls - calls >= 40  # every read counted (plus the 401s that led to the refresh)
    assert c.calls - calls <= 48


def test_pace_comes_from_the_system_and_the_config(monkeypatch: pytest.MonkeyPatch, world: RunningSandbox) -> None:
    from connectors.config import client_for

    monkeypatch.setenv("SANDBOX_PORT", world.base_url.rsplit(":", 1)[1])  # the chosen sandbox tells its URLs

    def interval(system: str) -> float:
        with client_for(system) as c:
            return c.pace.interval

    assert interval("webcrm") == pytest.approx(1 / 4.0)
    assert interval("zohocrm") == 0  # Zoho limits concurrency and daily credits, not a rate
    monkeypatch.setenv("SOURCES__WEBCRM__REQUESTS_PER_SECOND", "0")
    monkeypatch.setenv("SOURCES__CUSTOMCRM__REQUESTS_PER_SECOND", "5")
    assert interval("webcrm") == 0
    assert interval("customcrm") == pytest.approx(0.2)


def test_concurrency_comes_from_the_writer_and_the_config(
    monkeypatch: pytest.MonkeyPatch, world: RunningSandbox
) -> None:
    from connectors.config import client_for

    monkeypatch.setenv("SANDBOX_PORT", world.base_url.rsplit(":", 1)[1])  # the chosen sandbox tells its URLs

    def in_flight(system: str) -> int:
        with client_for(system) as c:
            return writer_for(system, c).concurrency

    assert in_flight("zohocrm") == 10  # Zoho's Standard edition
    monkeypatch.setenv("SOURCES__ZOHOCRM__CONCURRENCY", "5")  # e.g. the Free edition
    assert in_flight("zohocrm") == 5
    assert in_flight("exact") == 1
