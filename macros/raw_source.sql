{#-
    A staging model's raw table (raw_<system>.<table>, loaded by `python -m ingest`), or, when that system is switched
    off (var switched_off, which the sync passes) and was never ingested, an empty relation with the columns the
    sources YAML declares for the table. A missing table of a system that is not switched off stops the build: an
    empty system would make the push create every record in it.
-#}
{% macro raw_source(source_name, table_name) -%}
    {%- set found = existing_source(source_name, table_name) -%}
    {%- if found is not none or not execute -%}
    {{ return(found if found is not none else source(source_name, table_name)) }}
    {%- endif -%}
    {%- set system = source_name | replace('raw_', '', 1) -%}
    {%- if system not in var('switched_off') -%}
        {{ exceptions.raise_compiler_error(
            source_name ~ '.' ~ table_name ~ ' does not exist: run `python -m ingest` to load ' ~ system
            ~ ', or switch ' ~ system ~ ' off (sources.' ~ system ~ '.enabled = false; a dbt run of its own takes'
            ~ ' --vars \'{switched_off: [' ~ system ~ ']}\')') }}
    {%- endif -%}
    {%- set declared = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- if not declared.columns -%}
        {{ exceptions.raise_compiler_error(
            source_name ~ '.' ~ table_name ~ ' declares no columns (name, data_type) for a switched-off ' ~ system) }}
    {%- endif -%}
    {#- The YAML names kinds of value; the adapter's types come from dbt's type macros (and ours for timestamp_tz). -#}
    {%- set types = {
        'string': dbt.type_string(), 'bigint': dbt.type_bigint(), 'boolean': dbt.type_boolean(),
        'float': dbt.type_float(), 'date': 'date', 'timestamp_tz': type_timestamptz()} -%}
    {%- for column in declared.columns.values() if column.data_type not in types -%}
        {{ exceptions.raise_compiler_error(
            source_name ~ '.' ~ table_name ~ '.' ~ column.name ~ ': data_type ' ~ column.data_type
            ~ ' is none of ' ~ (types.keys() | join(', '))) }}
    {%- endfor -%}
    {#- An alias, as PostgreSQL before 16 requires of a subquery in FROM. -#}
    (select
        {%- for column in declared.columns.values() %}
        cast(null as {{ types[column.data_type] }}) as {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
        {%- endfor %}
     where 1 = 0) as {{ adapter.quote(table_name) }}
{%- endmacro %}
