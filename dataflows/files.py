"""Every file the seeds declare, under a project root: the dataflow documents and the per-flow dbt files.

`write` makes the files what the seeds render and removes the ones they no longer render; `differences` lists
what a fresh render would change, for `python -m dataflows --check` in CI.
"""

from __future__ import annotations

from pathlib import Path

from dataflows.dbt_files import OWNED as DBT_OWNED
from dataflows.dbt_files import render_dbt
from dataflows.render import ROOT, load_flows, render

DOCUMENTS = Path("docs/dataflows")
OWNED = (f"{DOCUMENTS}/*.rst", *DBT_OWNED)


def rendered(root: Path = ROOT) -> dict[str, str]:
    """Path under root → text of every file the seeds in root/seeds render."""
    seeds = root / "seeds"
    documents = {str(DOCUMENTS / name): text for name, text in render(seeds).items()}
    return documents | render_dbt(load_flows(seeds))


def found(root: Path) -> dict[str, str]:
    """Path under root → text of the files there that rendering owns."""
    paths = {p for pattern in OWNED for p in root.glob(pattern) if p.is_file()}
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(paths)}


def write(root: Path = ROOT) -> list[Path]:
    """Write every rendered file; remove the owned files no longer rendered (a flow taken out of the seed)."""
    files = rendered(root)
    for stale in found(root).keys() - files.keys():
        (root / stale).unlink()
    written = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def differences(root: Path = ROOT) -> list[str]:
    """The files under root that differ from a fresh render: missing, changed or no longer rendered."""
    files, present = rendered(root), found(root)
    problems = [f"{name}: missing" for name in sorted(files.keys() - present.keys())]
    problems += [f"{name}: differs" for name in sorted(files.keys() & present.keys()) if files[name] != present[name]]
    problems += [f"{name}: not rendered from the seeds" for name in sorted(present.keys() - files.keys())]
    return problems
