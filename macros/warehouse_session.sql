{#-
    How the warehouse plans and keeps the models' tables: a pre-hook and a post-hook of every model and seed
    (dbt_project.yml), empty where the engine needs nothing (DuckDB), so only PostgreSQL runs anything.

    PostgreSQL plans a query from statistics on its tables; a table dbt has just created has none until it is
    analysed (autovacuum comes a minute later, after the next models have read it), and the rows of a CTE never
    have any. The matching and the sync are chains of CTEs filtered on equalities, so the planner estimates one
    row where there are thousands and joins them in nested loops: quadratic, minutes at a few thousand records
    (benchmarks/RESULTS.md, issue #18). The tables have no indexes, so a nested loop never beats a hash join by
    much, and a hash join is linear. Those same overestimated costs switch on JIT compilation, which spends tens of
    seconds compiling the matching's large queries to save less.
-#}

{#- Run before a model's SQL, in its transaction: PostgreSQL joins by hashing (or merging) wherever an equality
    allows it, and compiles no query. `set local` ends with the model's transaction. -#}
{% macro warehouse_session_settings() -%}
    {{ return(adapter.dispatch('warehouse_session_settings', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__warehouse_session_settings() -%}{%- endmacro %}

{% macro postgres__warehouse_session_settings() -%}
    set local enable_nestloop = off;
    set local jit = off
{%- endmacro %}


{#- Run after a model or seed is built: statistics for the next models that read it. Views have nothing to analyse. -#}
{% macro analyze_relation() -%}
    {{ return(adapter.dispatch('analyze_relation', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__analyze_relation() -%}{%- endmacro %}

{% macro postgres__analyze_relation() -%}
    {%- if config.get('materialized') in ('table', 'incremental', 'seed') -%}
    analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
