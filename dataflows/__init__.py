"""The dataflow documents as QA checklists, rendered from the mapping seeds (flows.csv, field_mappings.csv).

`python -m dataflows` writes docs/dataflows/<source>-<target>.rst, one per source document;
`python -m dataflows --check` fails when the committed files differ from a fresh render.
"""
