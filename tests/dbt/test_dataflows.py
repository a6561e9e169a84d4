"""The committed dataflow documents are what the seeds render; a seed edit without a re-render fails CI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dataflows.__main__ import main
from dataflows.render import OUT, SEEDS, render


def test_committed_documents_match_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0, capsys.readouterr().err


def test_check_fails_after_a_seed_edit_until_rendered_again(tmp_path: Path) -> None:
    seeds, out = tmp_path / "seeds", tmp_path / "docs"
    shutil.copytree(SEEDS, seeds)
    shutil.copytree(OUT, out)
    assert main(["--check", "--seeds", str(seeds), "--out", str(out)]) == 0
    with (seeds / "field_mappings.csv").open("a", encoding="utf-8") as f:
        f.write(
            "11,DateOfBirth,date_of_birth,Date_of_Birth,date_of_birth,date,project,true,,date,fill_empty,false,hold\n"
        )
    assert main(["--check", "--seeds", str(seeds), "--out", str(out)]) == 1
    assert main(["--seeds", str(seeds), "--out", str(out)]) == 0
    assert main(["--check", "--seeds", str(seeds), "--out", str(out)]) == 0
    rendered = (out / "poweroffice-zohocrm.rst").read_text(encoding="utf-8")
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
