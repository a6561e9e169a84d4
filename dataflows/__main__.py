"""python -m dataflows [--check]: write every file the seeds declare (dataflow documents, per-flow dbt models and
their YAML, macros/flows.sql), or check that they are up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dataflows.files import differences, write
from dataflows.render import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dataflows", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the files differ from a fresh render")
    parser.add_argument("--root", type=Path, default=ROOT, help=f"the project: seeds/ in, files out (default {ROOT})")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences(args.root)
        if problems:
            print(
                "files are out of date with seeds/flows.csv or field_mappings.csv:",
                *problems,
                sep="\n  ",
                file=sys.stderr,
            )
            print("run: python -m dataflows", file=sys.stderr)
            return 1
        print(f"the documents and per-flow dbt files in {args.root} match the seeds")
        return 0
    for path in write(args.root):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
