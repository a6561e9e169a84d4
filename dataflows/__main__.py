"""python -m dataflows [--check]: render the dataflow documents from the seeds, or check they are up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dataflows.render import OUT, SEEDS, differences, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dataflows", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the files differ from a fresh render")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help=f"folder of the seeds (default {SEEDS})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder of the documents (default {OUT})")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences(args.out, args.seeds)
        if problems:
            print("dataflow documents are out of date with the seeds:", *problems, sep="\n  ", file=sys.stderr)
            print("run: python -m dataflows", file=sys.stderr)
            return 1
        print(f"dataflow documents in {args.out} match the seeds")
        return 0
    for path in write(args.out, args.seeds):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
