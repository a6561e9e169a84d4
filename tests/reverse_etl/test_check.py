"""`python -m reverse_etl check`: each mistake in the mapping seeds is named with file, line and column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reverse_etl.__main__ import main
from reverse_etl.check import ROOT, check

MAPPINGS = "field_mappings.csv"
POLICIES = ",quality,false,hold"  # first_meeting, normalise, on_clear: the defaults


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", copy)
    return copy


def append(seeds: Path, name: str, text: str) -> int:
    """Add a line to a seed; returns its line number."""
    path = seeds / name
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, text]) + "\n", encoding="utf-8")
    return len(lines) + 1


def messages(seeds: Path) -> list[str]:
    return [str(p) for p in check(seeds)]


def test_the_shipped_seeds_pass() -> None:
    assert check() == []


def test_a_vat_number_into_an_organisation_number_is_caught(seeds: Path) -> None:
    row = "4,OrganisationVatNumber,vat_number,OrgNumber,org_number,string,project,true,,org_number" + POLICIES
    line = append(seeds, MAPPINGS, row)
    column = row.index("OrgNumber") + 1
    message = "OrganisationVatNumber holds VAT numbers, OrgNumber organisation numbers: a mapping connects fields"
    assert any(f"{MAPPINGS}:{line}:{column}: {message}" in m for m in messages(seeds))


def test_a_phone_pasted_into_a_fax_field_is_caught(seeds: Path) -> None:
    row = "1,Phone,phone,Fax,fax,string,project,true,,phone" + POLICIES
    line = append(seeds, MAPPINGS, row)
    column = row.index("Fax") + 1
    found = messages(seeds)
    assert any(
        m.endswith(
            f"{MAPPINGS}:{line}:{column}: flow 1 writes Fax a second time (first on line 5): "
            "a target field has one source per flow"
        )
        for m in found
    ), found
    assert any(f"{MAPPINGS}:{line}:{column}: Phone holds phone numbers, Fax fax numbers" in m for m in found), found


def test_an_unknown_field_and_column_name_their_cell(seeds: Path) -> None:
    row = "9,Name,name,Acount_Name,account_nam,string,project,true,,text" + POLICIES
    line = append(seeds, MAPPINGS, row)
    field, column = row.index("Acount_Name") + 1, row.index("account_nam,") + 1
    found = messages(seeds)
    assert any(m.endswith(f"{MAPPINGS}:{line}:{field}: zohocrm accounts has no field 'Acount_Name'") for m in found)
    assert any(
        m.endswith(f"{MAPPINGS}:{line}:{column}: stg_zohocrm__accounts has no column 'account_nam'") for m in found
    )


@pytest.mark.parametrize(
    ("row", "at", "message"),
    [
        (
            '11,"State,state,State,state,string,project,true,,text' + POLICIES,
            '"State',
            "a quote opened here is never closed",
        ),
        # The README's old example row (9 fields for the 10 columns it then had).
        ("11,DateOfBirth,date_of_birth,Date_of_Birth,date_of_birth,date,project,true,", "", "9 fields for 13 columns"),
        (
            "3,Amount,amount,Amount,amount,decimal,project,true,,decimal,quality,false,hold,x",
            "x",
            "14 fields for 13 columns",
        ),
        (
            "3,Amount,amount,Amount,amount,date,project,true,,decimal" + POLICIES,
            "Amount",
            "Amount holds double, not a date",
        ),
        (
            "5,PersonOrganisationId,organisation_id,CustomerId,customer_id,reference,project,true,1,reference"
            + POLICIES,
            "1,ref",
            "flow 1 links zohocrm and customcrm, so its ids are no ids of webcrm and customcrm",
        ),
        ("99,Name,name,Name,name,string,project,true,,text" + POLICIES, "99", "flow '99' is not in seeds/flows.csv"),
        (
            "9,Name,name,Account_Name,account_name,string,project,true,,text,newest,false,forget",
            "newest",
            "first_meeting is 'newest'; one of quality, fill_empty, poweroffice, zohocrm",
        ),
        (
            "9,Name,name,Account_Name,account_name,string,project,true,,text,quality,false,forget",
            "forget",
            "on_clear is 'forget'; one of hold, propagate, restore",
        ),
    ],
)
def test_each_mistake_names_file_line_and_column(seeds: Path, row: str, at: str, message: str) -> None:
    line = append(seeds, MAPPINGS, row)
    column = row.index(at) + 1 if at else len(row) + 1
    found = messages(seeds)
    assert any(f"{MAPPINGS}:{line}:{column}: {message}" in m for m in found), found


def test_a_flow_naming_an_unknown_entity(seeds: Path) -> None:
    row = "15,x,000,zohocrm,leads,Lead,customcrm,customers,Customer,deal,,none,true,"
    line = append(seeds, "flows.csv", row)
    found = messages(seeds)
    column = row.index("leads") + 1
    assert any(
        m.endswith(f"flows.csv:{line}:{column}: zohocrm has no entity 'leads'; known: accounts, contacts, deals")
        for m in found
    ), found


def test_a_flow_of_an_unknown_kind_and_a_name_no_model_can_have(seeds: Path) -> None:
    row = "15,Webcrm Person,001,webcrm,persons,Persons,zohocrm,contacts,Contact,people,,email,true,"
    line = append(seeds, "flows.csv", row)
    found = messages(seeds)
    assert (
        f"flows.csv:{line}:{row.index('people') + 1}: kind 'people'; one of company, person, product, department, deal"
        in ("\n".join(found))
    ), found
    assert any(f"flows.csv:{line}:4: flow_name 'Webcrm Person'" in m for m in found), found


def test_extra_columns_are_allowed(seeds: Path) -> None:
    path = seeds / MAPPINGS
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",comment", *(f"{line},checked" for line in lines[1:])]) + "\n")
    assert check(seeds) == []


def test_the_check_command_exits_0_on_the_shipped_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "no mistakes" in capsys.readouterr().out


def test_the_readmes_example_row_passes(seeds: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = re.search(r"`(11,DateOfBirth,[^`]*)`", readme)
    assert row is not None
    append(seeds, MAPPINGS, row[1])
    assert check(seeds) == []
