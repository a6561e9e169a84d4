"""The main job: ingest every system, build the links and the plan (dbt), push the plan, in rounds until the
systems agree (sync/rounds.py). Run as `python -m reverse_etl sync`."""
