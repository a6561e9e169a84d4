"""The push: executes the dbt plan (main.sync_plan) against the CRMs and records what happened in the warehouse."""
