"""Render one reStructuredText QA checklist per dataflow document from the seeds.

The layout follows the spec's documents: a title per document, a section per flow with the contract sentences,
and a list-table of the synchronized properties. Added here: what the flow selects and matches on, which rows
are documented and which are the project's own, which target field is read back, and why a flow is switched off.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

SYSTEM_NAMES = {
    "zohocrm": "Zoho CRM",
    "poweroffice": "PowerOffice Go",
    "exact": "Exact Online",
    "webcrm": "WebCRM",
    "crmoffice": "CRMOffice",
    "customcrm": "Custom CRM",
}
# What a flow's records are (flows.csv `kind`): the library of match rules its match_rule names.
KINDS = ("company", "person", "product", "department", "deal")
# A flow_name names models and files.
FLOW_NAME = re.compile(r"[a-z][a-z0-9_]*")
ORIGINS = {
    "documented": "listed in the dataflow document",
    "project": "the project's own mapping, not in the document (most flows list no fields there)",
}

# The per-field policies of seeds/field_mappings.csv, as every document explains them.
POLICIES = [
    "- First meeting: which value wins when linked records first meet and really differ (two forms of one value, "
    "such as case, spacing, punctuation or a phone's national and international form, never differ). *quality*: "
    "filled over empty, valid for its type over invalid, more information over less (country code, legal form, "
    "full street, mixed case), then the system further up the chain of flows, then the system's name; a system's "
    "name: that system's value first; *fill_empty*: only empty properties are filled.",
    "- Normalise: whether the sync may restyle a value's form (*no*: two forms of one value are left as they are).",
    "- On clear: when one system empties a filled property. *hold*: nothing is written, the clear is listed in "
    "``sync_held_clears``; *propagate*: the clear is written everywhere; *restore*: the value is written back.",
]


@dataclass(frozen=True)
class Mapping:
    source_field: str
    source_column: str
    target_field: str
    target_column: str
    target_type: str
    origin: str
    read_back: bool
    reference_flow_id: int | None
    first_meeting: str
    normalise: bool
    on_clear: str


@dataclass(frozen=True)
class Flow:
    flow_id: int
    flow_name: str
    document: str
    source_system: str
    source_entity: str
    source_label: str
    target_system: str
    target_entity: str
    target_label: str
    kind: str
    source_filter: str
    match_rule: str
    enabled: bool
    disabled_reason: str
    mappings: tuple[Mapping, ...]

    @property
    def source(self) -> str:
        return f"{SYSTEM_NAMES[self.source_system]} {self.source_label}"

    @property
    def target(self) -> str:
        return f"{SYSTEM_NAMES[self.target_system]} {self.target_label}"

    @property
    def source_side(self) -> str:
        return f"{self.source_system}__{self.source_entity}"

    @property
    def target_side(self) -> str:
        return f"{self.target_system}__{self.target_entity}"

    @property
    def probabilistic(self) -> bool:
        """Whether the flow's records are scored (int_match_*__<kind>) after its exact rules."""
        return "probabilistic" in self.match_rule.replace(" ", "").split(">")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _bool(value: str, where: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    return value.lower() == "true"


def load_flows(seeds: Path = SEEDS) -> list[Flow]:
    """Every flow of flows.csv with its field mappings, in flow and CSV order."""
    by_flow: dict[int, list[Mapping]] = {}
    for n, row in enumerate(_rows(seeds / "field_mappings.csv"), start=2):
        by_flow.setdefault(int(row["flow_id"]), []).append(
            Mapping(
                row["source_field"],
                row["source_column"],
                row["target_field"],
                row["target_column"],
                row["target_type"],
                row["origin"],
                _bool(row["read_back"], f"field_mappings.csv line {n}"),
                int(row["reference_flow_id"]) if row["reference_flow_id"] else None,
                row["first_meeting"],
                _bool(row["normalise"], f"field_mappings.csv line {n}"),
                row["on_clear"],
            )
        )
    flows = []
    for n, row in enumerate(_rows(seeds / "flows.csv"), start=2):
        flow_id = int(row["flow_id"])
        flows.append(
            Flow(
                flow_id,
                row["flow_name"],
                row["document"],
                row["source_system"],
                row["source_entity"],
                row["source_label"],
                row["target_system"],
                row["target_entity"],
                row["target_label"],
                row["kind"],
                row["source_filter"],
                row["match_rule"],
                _bool(row["enabled"], f"flows.csv line {n}"),
                row["disabled_reason"],
                tuple(by_flow.pop(flow_id, ())),
            )
        )
    if by_flow:
        raise ValueError(f"field_mappings.csv names flows that flows.csv does not have: {sorted(by_flow)}")
    return sorted(flows, key=lambda f: f.flow_id)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _heading(text: str, char: str, *, overline: bool = False) -> list[str]:
    rule = char * len(text)
    return [rule, text, rule] if overline else [text, rule]


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in (header, *rows):
        cells = list(row)
        lines.append(f"   * - {cells[0]}")
        lines += [f"     - {cell}" for cell in cells[1:]]
    return lines


def _flow_section(flow: Flow, names: dict[int, str]) -> list[str]:
    source, target = flow.source, flow.target
    lines = _heading(f"{source} to {target}", "-")
    lines += [
        f"Every {source} will be synchronized with {_a(target)}.",
        "",
        f"Once a link between {_a(source)} and {_a(target)} is established, it will keep in sync between the two "
        "systems, regardless of where it is edited.",
        "",
    ]
    if not flow.enabled:
        lines += [".. warning::", "", f"   This flow is switched off: {flow.disabled_reason}", ""]
    keys = " > ".join(f"``{k}``" for k in flow.match_rule.split(">"))
    matched = "never matched: created in the target and linked" if flow.match_rule == "none" else f"on {keys}"
    selected = f"where ``{flow.source_filter}``" if flow.source_filter else "all"
    lines += [
        f"- Flow {flow.flow_id}, ``{flow.flow_name}``: ``stg_{flow.source_system}__{flow.source_entity}`` into "
        f"``stg_{flow.target_system}__{flow.target_entity}``",
        f"- Records: {selected}",
        f"- Matched: {matched}",
        "",
    ]
    if not flow.mappings:
        return [*lines, "No properties are mapped.", ""]
    lines += [f"The following properties are synchronized between {_a(source)} and {_a(target)}:", ""]
    target_system = SYSTEM_NAMES[flow.target_system]
    rows = []
    for m in flow.mappings:
        data_type = m.target_type
        if m.reference_flow_id is not None:
            data_type += f" (via flow {m.reference_flow_id}, ``{names[m.reference_flow_id]}``)"
        rows.append(
            (
                m.source_field,
                m.target_field,
                data_type,
                m.origin,
                "yes" if m.read_back else "no",
                m.first_meeting,
                "yes" if m.normalise else "no",
                m.on_clear,
            )
        )
    header = (f"{source} Property", f"{target} Property", f"{target_system} Data Type", "Origin", "Read back")
    lines += _table((*header, "First meeting", "Normalise", "On clear"), rows)
    return [*lines, ""]


def render_document(document: str, flows: list[Flow], names: dict[int, str]) -> str:
    first = flows[0]
    source, target = SYSTEM_NAMES[first.source_system], SYSTEM_NAMES[first.target_system]
    origins = sorted({m.origin for f in flows for m in f.mappings})
    lines = [
        ".. Generated by `python -m dataflows` from seeds/flows.csv and seeds/field_mappings.csv: do not edit.",
        "",
        *_heading(f"{source} to {target} Dataflow", "=", overline=True),
        "",
        f"QA checklist for the flows of dataflow document {document}, from {source} to {target}.",
        "",
        "- Origin: " + "; ".join(f"*{o}*: {ORIGINS.get(o, o)}" for o in origins) + ".",
        "- Read back: where one source property feeds several target properties, the target property read back "
        "when the target is edited (the first listed, unless only another one was edited).",
        *POLICIES,
        "",
    ]
    for flow in flows:
        lines += ["", *_flow_section(flow, names)]
    return "\n".join(lines).rstrip("\n") + "\n"


def file_name(flow: Flow) -> str:
    return f"{flow.source_system}-{flow.target_system}.rst"


def render(seeds: Path = SEEDS) -> dict[str, str]:
    """File name → text of every document, rendered from the seeds."""
    flows = load_flows(seeds)
    names = {f.flow_id: f.flow_name for f in flows}
    documents: dict[str, list[Flow]] = {}
    for flow in flows:
        documents.setdefault(flow.document, []).append(flow)
    rendered: dict[str, str] = {}
    for document, members in sorted(documents.items()):
        name = file_name(members[0])
        if any(file_name(f) != name for f in members):
            raise ValueError(f"document {document} mixes systems: {sorted({file_name(f) for f in members})}")
        if name in rendered:
            raise ValueError(f"two documents render to {name}")
        rendered[name] = render_document(document, members, names)
    return rendered
