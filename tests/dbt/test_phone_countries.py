"""seeds/phone_countries.csv is what the phonenumbers library's metadata generates; a stale seed fails CI."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dataflows.phone_countries import SEED, main


def test_the_committed_seed_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0, capsys.readouterr().err


def test_check_fails_on_a_hand_edit(tmp_path: Path) -> None:
    edited = tmp_path / "phone_countries.csv"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("NO,47,", "NO,48,"), encoding="utf-8")
    assert main(["--check", "--out", str(edited)]) == 1


def test_the_sandbox_countries_read_as_their_numbering_plans() -> None:
    with SEED.open(encoding="utf-8") as f:
        rows = {r["iso_code"]: r for r in csv.DictReader(f)}
    assert (rows["NO"]["calling_code"], rows["NO"]["national_prefix"], rows["NO"]["national_lengths"]) == (
        "47",
        "",
        "|5|8|",
    )
    assert (rows["GB"]["calling_code"], rows["GB"]["national_prefix"]) == ("44", "0")
    assert rows["DK"]["national_lengths"] == "|8|" and rows["NL"]["national_prefix"] == "0"
    assert rows["US"]["is_main"] == "true" and rows["CA"]["is_main"] == "false"
