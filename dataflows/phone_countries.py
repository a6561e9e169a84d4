"""python -m dataflows.phone_countries [--check]: write seeds/phone_countries.csv from the phonenumbers library.

The sync compares phone numbers in E.164 form, reading a national number in its record's country. What it needs
per country (calling code, national prefix, the lengths a national number may have, the international prefix)
comes from the `phonenumbers` library's metadata (Google's libphonenumber), not from a hand-written plan: one row
per region the library knows. Re-run after upgrading phonenumbers; CI runs `--check`.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata

SEED = Path(__file__).resolve().parents[1] / "seeds" / "phone_countries.csv"
COLUMNS = ["iso_code", "calling_code", "national_prefix", "international_prefix", "national_lengths", "is_main"]


def rows() -> list[dict[str, str]]:
    """One row per region: national_lengths as `|7|9|10|` (a LIKE pattern finds one), prefixes only when plain
    digits (a pattern such as Finland's `00|99(...)` keeps only what every number of the country may use)."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = PhoneMetadata.metadata_for_region(region)
        if meta is None or meta.general_desc is None:
            continue
        lengths = sorted(set(meta.general_desc.possible_length or ()))
        international = meta.international_prefix or ""
        is_main = phonenumbers.region_code_for_country_code(meta.country_code) == region
        plain_international = international if re.fullmatch(r"[0-9]+", international) else "00"
        out.append(
            {
                "iso_code": region,
                "calling_code": str(meta.country_code),
                "national_prefix": meta.national_prefix or "",
                "international_prefix": plain_international,
                "national_lengths": "|" + "|".join(str(n) for n in lengths) + "|" if lengths else "",
                "is_main": "true" if is_main else "false",
            }
        )
    return out


def render() -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dataflows.phone_countries", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the seed differs from a fresh render")
    parser.add_argument("--out", type=Path, default=SEED, help=f"the seed file (default {SEED})")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is out of date with phonenumbers {phonenumbers.__version__}", file=sys.stderr)
            print("run: python -m dataflows.phone_countries", file=sys.stderr)
            return 1
        print(f"{args.out} matches phonenumbers {phonenumbers.__version__}")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
