"""First meetings through the real merge models: for every pair, the right winner or no write at all.

A warehouse with the project's seeds, and in place of the linking a corpus of record pairs that just met (one
identity cluster each): their values are made slots with the sync's own `sync_text` (blanks and invisible
characters read as empty), then the real models run on them: int_sync__compared_slots, sync_agreed_values and
int_sync__field_decisions. Each pair expects either nothing written (two forms of one value) or the better value
written to the other record. Phones cover every country the sandbox uses (NO, DK, NL, GB), national and
international forms; org numbers their kinds; text case, spacing, punctuation, legal forms, Unicode and hostile
strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from tests.helpers.dbt_parse import run_in

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# (system, entity, value field, country field) of each side of a pair, by kind of field: real mapped fields, so
# the seeds' policies and the chain of flows apply.
SIDES: dict[str, tuple[tuple[str, str, str, str], tuple[str, str, str, str]]] = {
    "text": (
        ("poweroffice", "customers", "Name", "MailAddress.CountryCode"),
        ("zohocrm", "accounts", "Account_Name", "Billing_Country"),
    ),
    "phone": (
        ("poweroffice", "customers", "PhoneNumber", "MailAddress.CountryCode"),
        ("zohocrm", "accounts", "Phone", "Billing_Country"),
    ),
    "website": (
        ("poweroffice", "customers", "WebsiteUrl", "MailAddress.CountryCode"),
        ("zohocrm", "accounts", "Website", "Billing_Country"),
    ),
    "email": (
        ("poweroffice", "customers", "EmailAddress", "MailAddress.CountryCode"),
        ("zohocrm", "contacts", "Email", "Mailing_Country"),
    ),
    "org_number": (
        ("zohocrm", "accounts", "Account_Number", "Billing_Country"),
        ("customcrm", "customers", "OrgNumber", "Country"),
    ),
}


@dataclass(frozen=True)
class Pair:
    name: str
    compare_as: str
    first: str  # the upstream side's value (PowerOffice; Zoho for org numbers)
    second: str  # the downstream side's value (Zoho; Custom CRM for org numbers)
    country: str | None  # both records' ISO country
    written: tuple[int, str] | None  # (side 0 or 1, value) written there, or None: no write


CORPUS = [
    # text: case, spacing, punctuation, legal forms, Unicode, hostile strings
    Pair("case lower", "text", "Sunde Bygg AS", "sunde bygg as", "NO", None),
    Pair("case upper", "text", "Gerritse BV", "GERRITSE BV", "NL", None),
    Pair("spacing", "text", "van Stralen&  le Floch BV", "van Stralen & le Floch BV", "NL", None),
    Pair("legal form punctuation", "text", "Østlab Rør A/S", "Østlab Rør A.S.", "DK", None),
    Pair("legal form dropped upstream", "text", "VN Consulting", "VN Consulting ApS", "DK", (0, "VN Consulting ApS")),
    Pair(
        "legal form kept upstream",
        "text",
        "Gregersen og Wulff A/S",
        "Gregersen og Wulff",
        "DK",
        (1, "Gregersen og Wulff A/S"),
    ),
    Pair("legal form repeated", "text", "FJORD AS AS", "Fjord AS", "NO", (0, "Fjord AS")),
    Pair("legal form in front", "text", "AS Birkeland Kompetanse", "birkeland kompetanse as", "NO", None),
    Pair("sharp s and umlaut", "text", "Großhandel Müller GmbH", "GROSSHANDEL MÜLLER GMBH", "GB", None),
    Pair("accents", "text", "Café Ærø", "CAFE AERO", "DK", None),
    Pair("cyrillic case", "text", "Москва Трейд", "МОСКВА ТРЕЙД", "GB", None),
    Pair("right to left", "text", "شركة النور", " شركة النور ", "GB", None),
    Pair("hostile", "text", "Robert'); DROP TABLE x;--", "robert drop table x", "GB", None),
    Pair("emoji", "text", "🙂", "🙃", "NO", (1, "🙂")),
    Pair("mixed case over upper", "text", "NORDLYS HOTELL", "Nordlys Hotel", "NO", (0, "Nordlys Hotel")),
    Pair("blank is empty", "text", "Oslo Rør AS", "\u00a0\u200b \u2003", "NO", (1, "Oslo Rør AS")),
    Pair("empty vs blank", "text", "", "\ufeff\u200b", "NO", None),
    # phones in every country the sandbox uses, national and international
    Pair("NO national", "phone", "22334455", "+47 22 33 44 55", "NO", None),
    Pair("DK national", "phone", "+45 23 76 02 08", "23 76 02 08", "DK", None),
    Pair("NL trunk", "phone", "06 42116340", "0031 642116340", "NL", None),
    Pair("GB trunk after code", "phone", "020 7946 0958", "+44 (0)20 7946 0958", "GB", None),
    Pair("GB dashes", "phone", "(+44) 20-7946-0958", "02079460958", "GB", None),
    Pair("DK number in a NO record", "phone", "23760208", "+45 23760208", "NO", None),
    Pair("country code wins", "phone", "22334455", "+47 99 88 77 66", "NO", (0, "+47 99 88 77 66")),
    Pair("valid wins", "phone", "123", "+47 22 33 44 55", "NO", (0, "+47 22 33 44 55")),
    # e-mails and websites
    Pair("e-mail case", "email", "Ola.Nordmann@Example.NO", "ola.nordmann@example.no", "NO", None),
    Pair("e-mail valid wins", "email", "ola@example", "ola@example.no", "NO", (0, "ola@example.no")),
    Pair("website forms", "website", "https://www.fjord.no/", "fjord.no", "NO", None),
    # org and VAT numbers
    Pair("NO VAT is the org number", "org_number", "NO 923 456 783 MVA", "923456783", "NO", None),
    Pair("DK prefix", "org_number", "DK 12 34 56 74", "12345674", "DK", None),
    Pair("NL VAT never beats KvK", "org_number", "NL163229795B01", "03404420", "NL", (0, "03404420")),
    Pair("GB VAT never beats company number", "org_number", "GB118582303", "03404420", "GB", (0, "03404420")),
    Pair("NO check digit", "org_number", "923456784", "923456783", "NO", (0, "923456783")),
]


def _dbt(*args: str, tmp: Path) -> Any:
    project = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
    paths = ["--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    result = dbtRunner().invoke([*args, *project, *paths, "--quiet"])
    assert result.success, result.exception or [(r.node.name, r.message) for r in result.result]
    return result.result


def _slot_rows() -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str, str]]]:
    """(slot rows with the raw value, identity cluster rows): per pair one cluster, a value and a country slot per
    side."""
    slots, clusters = [], []
    for n, pair in enumerate(CORPUS):
        cluster = f"c{n}"
        for side, value in enumerate((pair.first, pair.second)):
            system, entity, field, country_field = SIDES[pair.compare_as][side]
            record = f"r{n}"
            clusters.append((cluster, system, entity, record))
            slots.append((f"{cluster}|value", cluster, system, entity, record, field, pair.compare_as, value, None))
            slots.append(
                (f"{cluster}|country", cluster, system, entity, record, country_field, "country", None, pair.country)
            )
    return slots, clusters


@pytest.fixture(scope="module")
def decisions(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("corpus")
    warehouse = run_in(monkeypatch_module, tmp)
    _dbt("seed", tmp=tmp)
    # The sync's own notion of empty, compiled from its macro.
    compiled = _dbt("compile", "--inline", "select {{ sync_text('raw_value') }} as value", tmp=tmp)
    value_sql = compiled.results[0].node.compiled_code.strip().removeprefix("select").rsplit(" as value", 1)[0]
    slots, clusters = _slot_rows()
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table corpus (component_id varchar, cluster_id varchar, system varchar, entity varchar, "
            "record_id varchar, field varchar, compare_as varchar, raw_value varchar, country varchar)"
        )
        con.executemany("insert into corpus values (?, ?, ?, ?, ?, ?, ?, ?, ?)", slots)
        con.execute(
            "create table identity_clusters (cluster_id varchar, system varchar, entity varchar, record_id varchar)"
        )
        con.executemany("insert into identity_clusters values (?, ?, ?, ?)", clusters)
        # Nothing planned: every record of the corpus is linked (the merge reads the plan's records and twins).
        con.execute(
            "create table int_sync__open_records "
            "(flow_id integer, source_id varchar, root_system varchar, root_entity varchar, root_id varchar)"
        )
        for level in (1, 2, 3):
            con.execute(
                f"create table int_sync__twins_{level} (flow_id integer, source_id varchar, target_id varchar, "
                "match_rule varchar, root_flow_id integer, root_id varchar, twin_flow_id integer, "
                "twin_side varchar, twin_id varchar)"
            )
        con.execute(
            f"""create table int_sync__slots as
            select
                component_id, cluster_id, split_part(component_id, '|', 2) as class_id, system, entity, record_id,
                field, 1 as flow_id, compare_as, 'string' as value_type, true as is_read_back,
                coalesce(country, {value_sql}) as value,
                coalesce(country, {value_sql}) as canonical,
                coalesce(country, {value_sql}) as written,
                cast(null as varchar) as parent_system, cast(null as varchar) as parent_entity, true as is_known,
                timestamp '2026-01-01 10:00:00' as modified_at
            from corpus"""
        )
    _dbt("run", "--select", "int_sync__compared_slots", "sync_agreed_values", "int_sync__field_decisions", tmp=tmp)
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            "select cluster_id, system, new_value, change from int_sync__field_decisions order by 1, 2"
        ).fetchall()
    found: dict[str, list[tuple[str, str | None, str]]] = {}
    for cluster, system, value, change in rows:
        found.setdefault(cluster, []).append((system, value, change))
    yield found


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("n", range(len(CORPUS)), ids=[p.name for p in CORPUS])
def test_first_meeting_writes_the_better_value_or_nothing(decisions: dict, n: int) -> None:
    pair = CORPUS[n]
    expected = []
    if pair.written is not None:
        side, value = pair.written
        expected = [(SIDES[pair.compare_as][side][0], value, "initial")]
    assert decisions.get(f"c{n}", []) == expected
