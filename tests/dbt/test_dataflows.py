"""The committed dataflow documents and per-flow dbt files are what the seeds render; a seed edit without a re-render
fails CI, and a flow is added by its seed rows alone."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dataflows.__main__ import main
from dataflows.render import ROOT, render

NEW_FLOW = "15,webcrm_organisation__zohocrm_account,005,webcrm,organisations,Organisations,zohocrm,accounts,Account,"
NEW_FLOW += "company,,org_number>email>name_fuzzy,true,"
NEW_MAPPING = "15,Name,name,Account_Name,account_name,string,project,true,,text,quality,false,hold"


def test_committed_documents_match_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0, capsys.readouterr().err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the render reads and writes."""
    for folder in ("seeds", "docs", "models", "macros"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main([*args, "--root", str(project)])


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_check_fails_after_a_seed_edit_until_rendered_again(project: Path) -> None:
    assert run(project, "--check") == 0
    append(
        project / "seeds" / "field_mappings.csv",
        "11,DateOfBirth,date_of_birth,Date_of_Birth,date_of_birth,date,project,true,,date,fill_empty,false,hold",
    )
    assert run(project, "--check") == 1
    assert run(project) == 0
    assert run(project, "--check") == 0
    rendered = (project / "docs" / "dataflows" / "poweroffice-zohocrm.rst").read_text(encoding="utf-8")
    assert "   * - DateOfBirth" in rendered
    assert "     - fill_empty" in rendered, "the field's first-meeting policy is in its row"


def test_one_document_per_source_document_with_origins_and_switched_off_flows() -> None:
    docs = render()
    assert sorted(docs) == [
        "customcrm-crmoffice.rst",
        "customcrm-exact.rst",
        "poweroffice-zohocrm.rst",
        "webcrm-customcrm.rst",
        "zohocrm-customcrm.rst",
    ]
    po = docs["poweroffice-zohocrm.rst"]
    assert po.count("     - documented") == 9 + 1 + 12
    assert "     - project" not in po
    assert "Every PowerOffice Go Customers person will be synchronized with a Zoho CRM Contact." in po
    assert docs["customcrm-exact.rst"].count(".. warning::") == 1
    assert "This flow is switched off" in docs["customcrm-crmoffice.rst"]
    assert "confidential" not in "".join(docs.values()).lower()


def test_every_field_shows_its_policies() -> None:
    for text in render().values():
        assert "     - First meeting" in text and "     - Normalise" in text and "     - On clear" in text
        assert "*hold*: nothing is written" in text


def test_a_flow_is_added_by_its_seed_rows_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append(project / "seeds" / "flows.csv", NEW_FLOW)
    append(project / "seeds" / "field_mappings.csv", NEW_MAPPING)
    assert run(project, "--check") == 1
    missing = capsys.readouterr().err
    candidates = "models/intermediate/link_candidates/int_pairs__webcrm_organisation__zohocrm_account.sql"
    links = "models/links/flows/link_webcrm_organisation__zohocrm_account.sql"
    assert f"{candidates}: missing" in missing and f"{links}: missing" in missing

    assert run(project) == 0
    assert run(project, "--check") == 0
    assert "link_candidates(flow_id=15)" in (project / candidates).read_text(encoding="utf-8")
    assert "link_table(flow_id=15)" in (project / links).read_text(encoding="utf-8")
    declared = (project / "macros" / "flows.sql").read_text(encoding="utf-8")
    assert "'source': 'webcrm__organisations', 'target': 'zohocrm__accounts'" in declared
    described = (project / "models" / "links" / "flows" / "_link_flows__models.yml").read_text()
    assert "Flow 15: WebCRM Organisations → Zoho CRM Account, company records (match rules: org_number>email" in (
        described
    )
    assert "      - ref('link_webcrm_organisation__zohocrm_account')" in described, "the analysts' exposure lists it"
    assert "webcrm-zohocrm.rst" in {p.name for p in (project / "docs" / "dataflows").iterdir()}


def test_a_hand_edit_of_a_generated_file_and_a_flow_taken_out_fail_the_check(project: Path) -> None:
    stub = project / "models" / "links" / "flows" / "link_poweroffice_person__zohocrm_contact.sql"
    stub.write_text(stub.read_text(encoding="utf-8").replace("flow_id=11", "flow_id=9"), encoding="utf-8")
    assert run(project, "--check") == 1
    assert run(project) == 0 and "flow_id=11" in stub.read_text(encoding="utf-8")

    flows = project / "seeds" / "flows.csv"
    flows.write_text(
        "".join(line for line in flows.open(encoding="utf-8") if not line.startswith("14,")), encoding="utf-8"
    )
    mappings = project / "seeds" / "field_mappings.csv"
    mappings.write_text(
        "".join(line for line in mappings.open(encoding="utf-8") if not line.startswith("14,")), encoding="utf-8"
    )
    assert run(project, "--check") == 1
    assert run(project) == 0
    assert not (project / "models" / "links" / "flows" / "link_customcrm_product__exact_contact.sql").exists()


def test_the_link_descriptions_name_the_seeds_match_rules() -> None:
    described = (ROOT / "models" / "links" / "flows" / "_link_flows__models.yml").read_text()
    with (ROOT / "seeds" / "flows.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert f"Flow {row['flow_id']}: " in described
            assert f"(match rules: {row['match_rule']})." in described
