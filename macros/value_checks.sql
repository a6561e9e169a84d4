{#-
    Value checks: what makes a value invalid, so that it is quarantined for its record and field and never copied,
    nor read as an empty value (README, "What the sync does with bad input"). Two places find invalid values:

      - staging, where a typed raw column does not fit its staging type (a WebCRM price of 1e30 in numeric(28, 6)):
        the cast is a safe cast (NULL instead of an error, so one record never fails `dbt build`) and the raw
        value is kept beside it as text, `<column>_raw`;
      - the sync, where a mapped field's text breaks a rule every target shares (value_problem).

    The rules are named by short codes (value_rules documents them); rejected_values lists every finding.
-#}

{#- Whether expr holds a match of a regular expression anywhere; NULL for NULL. -#}
{% macro regex_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'crm_sync')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}


{#- The rule codes and what each says, for the messages (rejected_values.reason). -#}
{% macro value_rules() -%}
    {{ return({
        'cast_failed': 'does not fit the warehouse type',
        'control_character': 'holds a control character',
        'line_break': 'holds a line break, and the field is a single line',
        'number_out_of_range': 'is not a number the sync can carry (finite, at most 16 digits before the point)',
        'not_a_date': 'is not a date',
    }) }}
{%- endmacro %}


{#- The C0 and C1 control characters but tab, CR and LF, as a regular expression class. PostgreSQL text cannot hold
    NUL (nor can its regular expressions name it), so its class starts at U+0001. -#}
{% macro control_character_class() -%}
    {{ return(adapter.dispatch('control_character_class', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__control_character_class() -%}
    [\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]
{%- endmacro %}

{% macro postgres__control_character_class() -%}
    [\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]
{%- endmacro %}


{#- Fields whose text may hold line breaks (descriptions, street addresses), by their staging column's name. -#}
{% macro multiline_column_pattern() -%}.*(description|street|address).*{%- endmacro %}


{#-
    The rule a mapped value breaks, or NULL: `value` is the slot's text (sync_text), `raw` the raw text a failed
    staging cast left (NULL when the cast held), `compare_as` the mapping's comparison kind and `column` the staging
    column's name. C0 and C1 control characters are invalid, except tab, and line breaks in multi-line fields;
    unpaired surrogates cannot reach a check (no UTF-8 text holds one, and the APIs refuse them in JSON).
-#}
{% macro value_problem(value, raw, compare_as, column) -%}
    case
        when {{ value }} is null and {{ raw }} is not null then 'cast_failed'
        when {{ value }} is null then null
        when {{ regex_contains(value, control_character_class()) }} then 'control_character'
        when {{ regex_contains(value, '[\\n\\r]') }}
            and not {{ regex_full_match(column, multiline_column_pattern()) }} then 'line_break'
        -- decimal(18, 2) is the form numbers are compared and written in (sync_canonical, sync_written).
        when {{ compare_as }} = 'decimal' and {{ dbt.safe_cast(value, 'decimal(18, 2)') }} is null
            then 'number_out_of_range'
        when {{ compare_as }} = 'date' and {{ dbt.safe_cast(value, 'date') }} is null then 'not_a_date'
    end
{%- endmacro %}


{#- The message of a rule code (a SQL expression over `rule`). -#}
{% macro value_rule_message(rule) -%}
    case {{ rule }}
        {%- for code, message in value_rules().items() %}
        when '{{ code }}' then '{{ message }}'
        {%- endfor %}
    end
{%- endmacro %}


{#- The columns of a staging relation that keep a raw value beside their cast (`price` for `price_raw`). -#}
{% macro raw_kept_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- set kept = [] -%}
    {%- for name in names if name.endswith('_raw') and name[:-4] in names -%}
        {%- do kept.append(name[:-4]) -%}
    {%- endfor -%}
    {{ return(kept) }}
{%- endmacro %}


{#-
    dbt's safe_cast casts plainly on DuckDB and PostgreSQL (its default), so one value that does not fit fails the
    model. dbt_project.yml dispatches the `dbt` namespace here first: these are real safe casts (NULL when the
    value does not fit), and an adapter without one of its own stops at compile time rather than casting plainly.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{# The cast runs only on text that parses as the type (input_is_valid: macros/warehouse_functions.sql). #}
{% macro postgres__safe_cast(field, type) -%}
    case when {{ target.schema }}.input_is_valid(cast({{ field }} as text), '{{ type }}')
        then cast({{ field }} as {{ type }}) end
{%- endmacro %}

{% macro snowflake__safe_cast(field, type) -%}
    try_cast(cast({{ field }} as {{ dbt.type_string() }}) as {{ type }})
{%- endmacro %}

{% macro bigquery__safe_cast(field, type) -%}
    safe_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro default__safe_cast(field, type) -%}
    {{ exceptions.raise_compiler_error(
        "safe_cast has no form for the " ~ target.type ~ " adapter: add one in macros/value_checks.sql"
    ) }}
{%- endmacro %}


{#- CASE that picks, per mapping row, the raw text a staging column keeps (`kept`: raw_kept_columns), else NULL. -#}
{% macro mapped_raw(alias, column_key, kept) -%}
    {%- if kept -%}
    case {{ column_key }}
        {%- for column in kept %}
        when '{{ column }}' then {{ alias }}.{{ column }}_raw
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#-
    Why a value is not sent, naming where the invalid value is (system, entity, record, field) and the rule. The
    value itself is left out (it may hold terminal escapes); rejected_values has it.
-#}
{% macro invalid_value_reason(system, entity, record_id, field, rule) -%}
    {{ field }} || ' of ' || {{ system }} || ' ' || {{ entity }} || ' ' || {{ record_id }} || ' '
        || {{ value_rule_message(rule) }} || ' (' || {{ rule }} || '): not written anywhere until it is fixed there'
{%- endmacro %}


{#- Why a value about to be sent is invalid (value_type is the plan's, e.g. `decimal`), or NULL: the last guard. -#}
{% macro written_value_rejection(value, value_type, field) -%}
    {{ field }} || ' ' || {{ value_rule_message(value_problem(value, 'null', value_type, 'lower(' ~ field ~ ')')) }}
{%- endmacro %}
