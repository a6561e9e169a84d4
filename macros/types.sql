{#
    Types dbt has no macro for (dbt.type_string(), dbt.type_timestamp() and the others cover the rest). Models and
    seeds name no engine's type directly: tests/dbt/test_portable_types.py keeps it so.

    type_timestamptz(): an instant with its offset, as the CRMs send a record's times. DuckDB, PostgreSQL and
    Trino: `timestamp with time zone`; Snowflake: TIMESTAMP_TZ; BigQuery's and Spark's TIMESTAMP are instants.
#}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}timestamp with time zone{%- endmacro %}

{% macro snowflake__type_timestamptz() -%}timestamp_tz{%- endmacro %}

{% macro bigquery__type_timestamptz() -%}timestamp{%- endmacro %}

{% macro spark__type_timestamptz() -%}timestamp{%- endmacro %}

{#
    upsert_strategy(): the incremental strategy of the models that rewrite rows by a unique key (the link tables,
    sync_agreed_values, sync_conflicts). delete+insert where the engine has it (DuckDB, PostgreSQL, Snowflake,
    Trino); BigQuery and Spark / Databricks have only merge (on Spark: Delta or Iceberg tables).
#}
{% macro upsert_strategy() -%}
    {{ return(adapter.dispatch('upsert_strategy')()) }}
{%- endmacro %}

{% macro default__upsert_strategy() -%}{{ return('delete+insert') }}{%- endmacro %}

{% macro bigquery__upsert_strategy() -%}{{ return('merge') }}{%- endmacro %}

{% macro spark__upsert_strategy() -%}{{ return('merge') }}{%- endmacro %}
