"""python -m reverse_etl check: the mapping seeds checked against the systems' schemas before anything runs.

`dbt build` loads a seed row with a wrong field name, a pasted row sending phone numbers into Fax fields or an
unbalanced quote without complaint (or fails later without a line number). This check reads seeds/flows.csv,
seeds/field_mappings.csv and seeds/field_limits.csv as text and reports every mistake as `file:line:column:
what is wrong`, like a compiler. The systems' schemas come from what the project already declares: every entity's
raw columns and their types (ingest/<system>.py, what the APIs return, snake_cased) and the staging models'
columns (models/staging/*/_*__models.yml). `sync` and `push` run it first and build nothing on an error.

Columns a seed has beyond the ones checked here are allowed (a mapping policy added later is checked where it is
read); the ones checked must be present.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from dlt.common.normalizers.naming.snake_case import NamingConvention

from connectors.config import SYSTEMS, enabled_systems
from dataflows.render import FLOW_NAME
from dataflows.render import KINDS as RECORD_KINDS
from ingest.entities import entities_of

ROOT = Path(__file__).resolve().parents[1]
NAMING = NamingConvention()
VALUE_TYPES = ("string", "decimal", "date", "country_code", "reference")
BOOLEANS = ("true", "false")
# Raw column types (dlt's) each value_type can be read from and written to.
TYPE_FAMILIES = {
    "decimal": {"double", "decimal", "bigint"},
    "date": {"date", "timestamp"},
    "string": {"text"},
    "country_code": {"text"},
}
# What a field holds, told by its name: a mapping between two kinds is a mistake (a phone number is no fax
# number; a VAT number is no registry number: "GB930349102" overwrote a UK company number "03646624" in Zoho when
# WebCRM's VAT number was mapped to Custom CRM's OrgNumber). Checked in order: "Fax" before "phone".
KINDS = (
    ("fax numbers", re.compile(r"fax", re.I)),
    ("VAT numbers", re.compile(r"vat", re.I)),
    ("organisation numbers", re.compile(r"org_?number|chamber_?of_?commerce|account_number", re.I)),
    ("e-mail addresses", re.compile(r"e_?mail", re.I)),
    ("phone numbers", re.compile(r"phone|mobile|telephone", re.I)),
    ("web addresses", re.compile(r"website|www|url", re.I)),
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ConfigInvalid(ValueError):
    """The seeds have mistakes; the message lists each with file, line and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Cell:
    value: str
    column: int  # 1-based character position where the field starts


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, Cell]

    def __getitem__(self, name: str) -> str:
        return self.cells[name].value

    def at(self, name: str) -> int:
        return self.cells[name].column


def _closing_quote(text: str, i: int) -> int | None:
    """Where the quoted field opened before position i ends ("" inside is a quote), or None."""
    while i < len(text):
        if text[i] == '"':
            if text[i + 1 : i + 2] != '"':
                return i
            i += 1
        i += 1
    return None


def split_line(text: str) -> tuple[list[Cell], int | None]:
    """The fields of one CSV line with their columns; and the column of a quote that is never closed."""
    cells: list[Cell] = []
    i = 0
    while True:
        start, quoted = i, ""
        if text[i : i + 1] == '"':
            closing = _closing_quote(text, i + 1)
            if closing is None:
                return cells, start + 1
            quoted, i = text[i + 1 : closing].replace('""', '"'), closing + 1
        end = text.find(",", i)
        end = len(text) if end < 0 else end
        cells.append(Cell(quoted + text[i:end], start + 1))
        if end == len(text):
            return cells, None
        i = end + 1


def shown(path: Path) -> str:
    """A seed's path as messages name it: relative to the project when it is in it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def read_rows(path: Path, required: tuple[str, ...], problems: list[Problem]) -> list[Row]:
    """The rows that parse; a problem for each that does not (wrong number of fields, unclosed quote)."""
    name = shown(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        problems.append(Problem(name, 1, 1, "the file is empty; its first line must name the columns"))
        return []
    header, unclosed = split_line(lines[0])
    if unclosed is not None:
        problems.append(Problem(name, 1, unclosed, "a quote opened here is never closed"))
        return []
    names = [c.value.strip() for c in header]
    for column in required:
        if column not in names:
            problems.append(Problem(name, 1, len(lines[0]) + 1, f"column {column!r} is missing from the header"))
    if any(c not in names for c in required):
        return []
    rows: list[Row] = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        cells, unclosed = split_line(text)
        if unclosed is not None:
            problems.append(Problem(name, number, unclosed, "a quote opened here is never closed"))
        elif len(cells) < len(names):
            problems.append(
                Problem(
                    name,
                    number,
                    len(text) + 1,
                    f"{len(cells)} fields for {len(names)} columns: {', '.join(names[len(cells) :])} missing",
                )
            )
        elif len(cells) > len(names):
            extra = cells[len(names)]
            problems.append(
                Problem(name, number, extra.column, f"{len(cells)} fields for {len(names)} columns: one too many here")
            )
        else:
            rows.append(Row(number, dict(zip(names, cells, strict=True))))
    return rows


# -- the systems' schemas ---------------------------------------------------------------------------------------


@cache
def raw_columns(system: str, entity: str) -> dict[str, str] | None:
    """The entity's raw columns and their dlt types, as ingest declares them; None when there is no such entity."""
    found = next((e for e in entities_of(system) if e.table == entity), None)
    return None if found is None else dict(found.columns)


@cache
def staging_columns() -> dict[str, set[str]]:
    """Staging model name -> its documented columns."""
    models: dict[str, set[str]] = {}
    for path in (ROOT / "models" / "staging").glob("*/_*__models.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            models[model["name"]] = {c["name"] for c in model.get("columns", [])}
    return models


def raw_name(api_path: str) -> str:
    """An API field path as the warehouse names its column ("MailAddress.City" -> "mail_address__city")."""
    return "__".join(NAMING.normalize_identifier(part) for part in api_path.split("."))


def kind(field_name: str) -> str | None:
    return next((name for name, pattern in KINDS if pattern.search(field_name)), None)


# -- the checks -------------------------------------------------------------------------------------------------


class Checker:
    def __init__(self, seeds: Path) -> None:
        self.seeds = seeds
        self.problems: list[Problem] = []

    def problem(self, path: Path, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(shown(path), row.line, row.at(column), message))

    def entity(self, path: Path, row: Row, system_column: str, entity_column: str) -> dict[str, str] | None:
        """The raw columns of the row's system and entity; a problem (and None) when either is unknown."""
        system = row[system_column]
        if system not in SYSTEMS:
            self.problem(path, row, system_column, f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")
            return None
        columns = raw_columns(system, row[entity_column])
        if columns is None:
            known = ", ".join(e.table for e in entities_of(system))
            self.problem(path, row, entity_column, f"{system} has no entity {row[entity_column]!r}; known: {known}")
        return columns

    def flows(self) -> dict[str, Row]:
        path = self.seeds / "flows.csv"
        required = ("flow_id", "flow_name", "kind", "source_system", "source_entity", "target_system", "target_entity")
        flows: dict[str, Row] = {}
        for row in read_rows(path, (*required, "enabled"), self.problems):
            if row["flow_id"] in flows:
                self.problem(path, row, "flow_id", f"flow {row['flow_id']} is declared twice")
                continue
            if not row["flow_id"].isdigit():
                self.problem(path, row, "flow_id", f"flow_id {row['flow_id']!r} is not a number")
                continue
            if not FLOW_NAME.fullmatch(row["flow_name"]):
                self.problem(
                    path, row, "flow_name", f"flow_name {row['flow_name']!r} is not snake_case (it names models)"
                )
            if row["kind"] not in RECORD_KINDS:
                self.problem(path, row, "kind", f"kind {row['kind']!r}; one of {', '.join(RECORD_KINDS)}")
            if row["enabled"] not in BOOLEANS:
                self.problem(path, row, "enabled", f"enabled is {row['enabled']!r}, not true or false")
            for side in ("source", "target"):
                if self.entity(path, row, f"{side}_system", f"{side}_entity") is not None:
                    model = f"stg_{row[f'{side}_system']}__{row[f'{side}_entity']}"
                    if model not in staging_columns():
                        self.problem(path, row, f"{side}_entity", f"there is no staging model {model}")
            flows[row["flow_id"]] = row
        return flows

    def mappings(self, flows: dict[str, Row]) -> None:
        path = self.seeds / "field_mappings.csv"
        required = ("flow_id", "source_field", "source_column", "target_field", "target_column", "target_type")
        targets: dict[tuple[str, str], int] = {}
        for row in read_rows(path, (*required, "read_back", "reference_flow_id", "compare_as"), self.problems):
            flow = flows.get(row["flow_id"])
            if flow is None:
                self.problem(path, row, "flow_id", f"flow {row['flow_id']!r} is not in seeds/flows.csv")
                continue
            target = (row["flow_id"], row["target_field"])
            if target in targets:
                self.problem(
                    path,
                    row,
                    "target_field",
                    f"flow {row['flow_id']} writes {row['target_field']} a second time (first on line "
                    f"{targets[target]}): a target field has one source per flow",
                )
            targets.setdefault(target, row.line)
            if row["read_back"] not in BOOLEANS:
                self.problem(path, row, "read_back", f"read_back is {row['read_back']!r}, not true or false")
            self.policies(path, row, flow)
            self.fields(path, row, flow)
            self.reference(path, row, flow, flows)

    def policies(self, path: Path, row: Row, flow: Row) -> None:
        """The merge's per-field policies, where the seed has their columns (an empty cell takes the default)."""
        allowed = {
            "first_meeting": ("quality", "fill_empty", flow["source_system"], flow["target_system"]),
            "normalise": BOOLEANS,
            "on_clear": ("hold", "propagate", "restore"),
        }
        for column, values in allowed.items():
            if column in row.cells and row[column] and row[column] not in values:
                self.problem(path, row, column, f"{column} is {row[column]!r}; one of {', '.join(values)}")

    def fields(self, path: Path, row: Row, flow: Row) -> None:
        """Both fields exist in their systems' entities, with a type the value_type fits and the same kind."""
        raw_types: dict[str, str | None] = {}
        for side in ("source", "target"):
            system, entity = flow[f"{side}_system"], flow[f"{side}_entity"]
            columns = raw_columns(system, entity) or {}
            api_field = row[f"{side}_field"]
            raw_types[side] = columns.get(raw_name(api_field))
            if columns and raw_types[side] is None:
                self.problem(path, row, f"{side}_field", f"{system} {entity} has no field {api_field!r}")
            model = f"stg_{system}__{entity}"
            model_columns = staging_columns().get(model)
            if model_columns is not None and row[f"{side}_column"] not in model_columns:
                self.problem(path, row, f"{side}_column", f"{model} has no column {row[f'{side}_column']!r}")
        value_type = row["target_type"]
        if value_type not in VALUE_TYPES:
            self.problem(path, row, "target_type", f"target_type {value_type!r}: one of {', '.join(VALUE_TYPES)}")
        elif family := TYPE_FAMILIES.get(value_type):
            for side, raw_type in raw_types.items():
                if raw_type is not None and raw_type not in family:
                    self.problem(
                        path, row, f"{side}_field", f"{row[f'{side}_field']} holds {raw_type}, not a {value_type}"
                    )
        source_kind, target_kind = kind(row["source_field"]), kind(row["target_field"])
        if source_kind and target_kind and source_kind != target_kind:
            self.problem(
                path,
                row,
                "target_field",
                f"{row['source_field']} holds {source_kind}, {row['target_field']} {target_kind}: "
                "a mapping connects fields of one kind",
            )

    def reference(self, path: Path, row: Row, flow: Row, flows: dict[str, Row]) -> None:
        """A reference carries an id through the links of another flow between the same two systems."""
        is_reference = row["target_type"] == "reference"
        via = row["reference_flow_id"]
        if is_reference != bool(via):
            says = "is a reference without" if is_reference else "has a reference_flow_id but is no reference, or"
            self.problem(path, row, "reference_flow_id", f"the row {says} a reference_flow_id")
            return
        if not via:
            return
        linked = flows.get(via)
        if linked is None:
            self.problem(path, row, "reference_flow_id", f"flow {via!r} is not in seeds/flows.csv")
            return
        pair = (flow["source_system"], flow["target_system"])
        if (linked["source_system"], linked["target_system"]) not in (pair, pair[::-1]):
            self.problem(
                path,
                row,
                "reference_flow_id",
                f"flow {via} links {linked['source_system']} and {linked['target_system']}, so its ids are no ids of "
                f"{pair[0]} and {pair[1]}",
            )

    def limits(self) -> None:
        path = self.seeds / "field_limits.csv"
        for row in read_rows(path, ("system", "entity", "field", "max_length", "required"), self.problems):
            columns = self.entity(path, row, "system", "entity")
            if columns is not None and raw_name(row["field"]) not in columns:
                self.problem(path, row, "field", f"{row['system']} {row['entity']} has no field {row['field']!r}")
            if row["max_length"] and not row["max_length"].isdigit():
                self.problem(path, row, "max_length", f"max_length {row['max_length']!r} is not a whole number")

    def run(self) -> list[Problem]:
        self.mappings(self.flows())
        self.limits()
        return self.problems


def check(seeds: Path = ROOT / "seeds") -> list[Problem]:
    """Every mistake in the mapping seeds, in file order."""
    return Checker(seeds).run()


def require_valid(seeds: Path = ROOT / "seeds") -> None:
    """Raise ConfigInvalid listing the mistakes, if there are any."""
    problems = check(seeds)
    if problems:
        raise ConfigInvalid(problems)


def preflight(systems: Sequence[str]) -> list[str]:
    """What sync and push check before their first request: the seeds (ConfigInvalid) and every system's
    configuration (ConfigurationError, naming each system neither configured nor switched off). Returns the given
    systems that are not switched off."""
    require_valid()
    enabled = enabled_systems()
    return [s for s in systems if s in enabled]
