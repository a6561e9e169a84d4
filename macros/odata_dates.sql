{#
    Exact Online sends dates and times as OData v2 JSON dates: '/Date(1700000000000)/', milliseconds since
    1970-01-01 UTC (negative before 1970; an optional '+0100' offset suffix is ignored, Exact sends UTC).
    Used by the Exact staging models; null stays null.

    parse_odata_datetime(column) -> type_timestamptz() (macros/types.sql)
    parse_odata_date(column)     -> date (the UTC calendar day, independent of the session's time zone)
#}

{% macro odata_milliseconds(column) -%}
    {%- set inner = dbt.replace(dbt.replace(column, "'/Date('", "''"), "')/'", "''") -%}
    {{ dbt.safe_cast(dbt.split_part(inner, "'+'", 1), 'bigint') }}
{%- endmacro %}

{% macro parse_odata_datetime(column) -%}
    {{ return(adapter.dispatch('parse_odata_datetime')(column)) }}
{%- endmacro %}

{% macro default__parse_odata_datetime(column) -%}
    {{ dbt.dateadd(
        'millisecond',
        odata_milliseconds(column),
        "cast('1970-01-01 00:00:00+00:00' as " ~ type_timestamptz() ~ ")"
    ) }}
{%- endmacro %}

{# DuckDB multiplies an interval by a 32-bit integer only: build the interval from milliseconds directly. #}
{% macro duckdb__parse_odata_datetime(column) -%}
    (cast('1970-01-01 00:00:00+00:00' as {{ type_timestamptz() }}) + to_milliseconds({{ odata_milliseconds(column) }}))
{%- endmacro %}

{% macro parse_odata_date(column) -%}
    {{ return(adapter.dispatch('parse_odata_date')(column)) }}
{%- endmacro %}

{% macro default__parse_odata_date(column) -%}
    cast({{ dbt.dateadd(
        'day',
        'floor(' ~ odata_milliseconds(column) ~ ' / 86400000.0)',
        "cast('1970-01-01' as date)"
    ) }} as date)
{%- endmacro %}
