"""What the mapping seeds (flows.csv, field_mappings.csv) declare, rendered into files.

`python -m dataflows` writes docs/dataflows/<source>-<target>.rst (one QA checklist per source document) and each
flow's dbt files (dataflows/dbt_files.py); `python -m dataflows --check` fails when a committed file differs from a
fresh render.
"""
