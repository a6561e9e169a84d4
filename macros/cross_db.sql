{#-
    Small cross-database helpers the normalisation macros are written in. Every adapter-specific function call of
    the project lives here, behind adapter.dispatch: the default__ form is standard SQL (or PostgreSQL/DuckDB
    syntax where standard SQL has none), other adapters get their own form where theirs differs.
-#}

{#- Replace every match of a regular expression (POSIX/RE2 syntax without look-arounds). -#}
{% macro regex_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'crm_sync')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{# Snowflake, BigQuery and Spark replace every match without a flag. #}
{% macro snowflake__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro bigquery__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, r'{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro spark__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}


{#-
    Letters folded to lower-case ASCII the way people fold them in addresses and domains: æ → ae, ø → o, å → a,
    ä → a, ö → o, ü → u, ß → ss, é → e. translate() is in PostgreSQL, DuckDB, Snowflake, BigQuery and Spark.
-#}
{% macro ascii_fold(expr) -%}
    {{ return(adapter.dispatch('ascii_fold', 'crm_sync')(expr)) }}
{%- endmacro %}

{# DuckDB's translate() is slow (about 0.8 s per million names); strip_accents() does the accents in a fifth of
   that, and ø, æ, œ, ß, which are letters of their own rather than accented ones, are replaced first. #}
{% macro duckdb__ascii_fold(expr) -%}
    strip_accents(replace(replace(replace(replace(lower({{ expr }}), 'ø', 'o'), 'æ', 'ae'), 'œ', 'oe'), 'ß', 'ss'))
{%- endmacro %}

{% macro default__ascii_fold(expr) -%}
    translate(
        replace(replace(replace(lower({{ expr }}), 'æ', 'ae'), 'œ', 'oe'), 'ß', 'ss'),
        'øåäöüéèêëáàâãíìîïóòôõúùûçñý',
        'oaaoueeeeaaaaiiiioooouuucny'
    )
{%- endmacro %}


{#-
    String similarity in [0, 1] for fuzzy name comparison. DuckDB has Jaro-Winkler built in; PostgreSQL gets the
    project's own (macros/warehouse_functions.sql, created at the start of each dbt run). There is no default: an
    adapter without a form stops at compile time, rather than matching with a weaker comparison than the
    probabilistic levels were estimated for (Snowflake's JAROWINKLER_SIMILARITY is rounded to whole percent and
    its EDITDISTANCE is Levenshtein: docs/warehouses.md).
-#}
{% macro name_similarity(left, right) -%}
    {{ return(adapter.dispatch('name_similarity', 'crm_sync')(left, right)) }}
{%- endmacro %}

{% macro default__name_similarity(left, right) -%}
    {{ exceptions.raise_compiler_error(
        "name_similarity (Jaro-Winkler) has no form for the adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__name_similarity to macros/cross_db.sql"
    ) }}
{%- endmacro %}

{% macro duckdb__name_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__name_similarity(left, right) -%}
    {{ target.schema }}.jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}


{#- A double-precision float type: dbt.type_float() is `float`, which DuckDB reads as 4-byte REAL. The matching's
    arithmetic is done in it on every warehouse: PostgreSQL types `1.0` as numeric, and numeric ln / exp round
    differently from the doubles DuckDB computes in (benchmarks/RESULTS.md, issue #18). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{#- A number as a double-precision value: `double(1.0)`. -#}
{% macro double(value) -%}cast({{ value }} as {{ type_double() }}){%- endmacro %}


{#- The keyword that makes a CTE computed once however often the query reads it (`with x as materialized (...)`):
    PostgreSQL and DuckDB have it; elsewhere nothing is written and the optimiser decides. The matching reads
    each rule's pairs and the settled records several times: inlined, the later rules would recompute every
    earlier one. -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}{%- endmacro %}

{% macro duckdb__cte_materialized() -%}materialized{%- endmacro %}

{% macro postgres__cte_materialized() -%}materialized{%- endmacro %}

{#- The opposite: a CTE that is a plain filter of a table stays a view of it, so each reader scans only the
    columns it needs (DuckDB would otherwise keep a full copy of every column in memory). -#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'crm_sync')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}not materialized{%- endmacro %}

{% macro postgres__cte_not_materialized() -%}not materialized{%- endmacro %}


{#- Edit distance between two strings (Damerau-Levenshtein: a swap of two letters is one edit). No default, like
    name_similarity; PostgreSQL's is the project's own (macros/warehouse_functions.sql). -#}
{% macro edit_distance(left, right) -%}
    {{ return(adapter.dispatch('edit_distance', 'crm_sync')(left, right)) }}
{%- endmacro %}

{% macro default__edit_distance(left, right) -%}
    {{ exceptions.raise_compiler_error(
        "edit_distance (Damerau-Levenshtein) has no form for the adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__edit_distance to macros/cross_db.sql"
    ) }}
{%- endmacro %}

{% macro duckdb__edit_distance(left, right) -%}
    damerau_levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__edit_distance(left, right) -%}
    {{ target.schema }}.damerau_levenshtein({{ left }}, {{ right }})
{%- endmacro %}


{#- Whether two strings are at most one edit apart (edit_distance <= 1), the edit distance only where the lengths
    allow one edit: on random pairs that skips most of the Damerau-Levenshtein work. -#}
{% macro within_one_edit(left, right) -%}
    {{ return(adapter.dispatch('within_one_edit', 'crm_sync')(left, right)) }}
{%- endmacro %}

{% macro default__within_one_edit(left, right) -%}
    case when abs(length({{ left }}) - length({{ right }})) <= 1 then {{ edit_distance(left, right) }} end <= 1
{%- endmacro %}

{#- DuckDB: plain Levenshtein first, about three times cheaper; one Damerau edit more than it counts is a swap of
    two neighbours (Levenshtein 2, the same length), the only case left to Damerau-Levenshtein. The same answer. -#}
{% macro duckdb__within_one_edit(left, right) -%}
    case
        when abs(length({{ left }}) - length({{ right }})) > 1 then false
        else case levenshtein({{ left }}, {{ right }})
            when 0 then true
            when 1 then true
            when 2 then length({{ left }}) = length({{ right }}) and {{ edit_distance(left, right) }} <= 1
            else false
        end
    end
{%- endmacro %}


{#- A string of a run's start time, the same in every model of one dbt invocation. -#}
{% macro run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- Whether the whole of expr matches a regular expression (POSIX classes, no look-arounds); NULL for NULL. -#}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'crm_sync')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expr, pattern) -%}
    ({{ expr }} ~ '^({{ pattern }})$')
{%- endmacro %}

{% macro duckdb__regex_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro snowflake__regex_full_match(expr, pattern) -%}
    regexp_like({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro bigquery__regex_full_match(expr, pattern) -%}
    regexp_contains({{ expr }}, r'^({{ pattern }})$')
{%- endmacro %}
