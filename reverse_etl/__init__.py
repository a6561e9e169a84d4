"""The push: executes the dbt plan (model sync_plan) against the CRMs and records what happened in the warehouse."""
