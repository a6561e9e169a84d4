"""The dbt files of every flow, rendered from seeds/flows.csv: a flow's row there is its only declaration.

dbt wants one file per model and learns which models a model refs when it parses the project, before any seed
is loaded. So each flow's two models (its candidate pairs and its permanent link table), their YAML and the
macro `declared_flows()` (macros/flows.sql: the sides and kind dbt needs at parse time) are files written from
the seed by `python -m dataflows`, from the templates in dataflows/templates/. The models' bodies are macros
(macros/link_candidates.sql, macros/link_table.sql): a generated model is one line.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from dataflows.render import FLOW_NAME, KINDS, Flow

TEMPLATES = Path(__file__).resolve().parent / "templates"
CANDIDATES = Path("models/intermediate/link_candidates")
LINKS = Path("models/links/flows")
DECLARED = Path("macros/flows.sql")
# The folders whose every file is rendered here (a file the seed no longer renders is stale), and the single file.
OWNED = (f"{CANDIDATES}/*", f"{LINKS}/*", str(DECLARED))

# Other delimiters than dbt's, so the templates write dbt's Jinja ({{ ref(...) }}) as it stands.
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    variable_start_string="[[",
    variable_end_string="]]",
    block_start_string="[%",
    block_end_string="%]",
    comment_start_string="[#",
    comment_end_string="#]",
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
    autoescape=False,
)


def id_column(entity: str) -> str:
    """A staging model's id column: its entity in the singular ("companies" -> "company_id"), as flow_side names it
    (macros/link_table.sql)."""
    singular = entity[:-3] + "y" if entity.endswith("ies") else entity.removesuffix("s")
    return f"{singular}_id"


ENV.filters["id_column"] = id_column


def validate(flows: list[Flow]) -> None:
    """What the file names and the macros need of a row: a clear error naming the flow and the column."""
    for flow in flows:
        where = f"seeds/flows.csv flow {flow.flow_id}"
        if not FLOW_NAME.fullmatch(flow.flow_name):
            raise ValueError(f"{where}: flow_name {flow.flow_name!r} must be snake_case (it names models)")
        if flow.kind not in KINDS:
            raise ValueError(f"{where}: kind {flow.kind!r}, not one of {', '.join(KINDS)}")


def render_dbt(flows: list[Flow]) -> dict[str, str]:
    """Path under the project root → text of every per-flow dbt file."""
    validate(flows)
    every_flow = {
        DECLARED: "flows.sql",
        CANDIDATES / "_link_candidates__models.yml": "_link_candidates__models.yml",
        LINKS / "_link_flows__models.yml": "_link_flows__models.yml",
    }
    files = {path: ENV.get_template(name).render(flows=flows) for path, name in every_flow.items()}
    for flow in flows:
        one_flow = {
            CANDIDATES / f"int_pairs__{flow.flow_name}.sql": "int_pairs.sql",
            LINKS / f"link_{flow.flow_name}.sql": "link.sql",
        }
        files |= {path: ENV.get_template(name).render(flow=flow) for path, name in one_flow.items()}
    return {str(path): text for path, text in files.items()}
