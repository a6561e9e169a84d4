{#-
    Functions the models need that the warehouse lacks, created by the project itself (dbt_project.yml runs this
    at the start of every dbt command), so that a managed warehouse that allows no extension works too.

    The string comparisons of the matching: PostgreSQL has neither Jaro-Winkler nor
    Damerau-Levenshtein in core (fuzzystrmatch has Levenshtein only, and managed services allow few extensions),
    so both are written here in PL/pgSQL with DuckDB's semantics, value for value (tests/dbt/test_pg_matching.py):

    - on Unicode code points, case-sensitive, NULL for NULL, 0 similarity when either string is empty;
    - Jaro: match window max(len)/2 - 1, transpositions halved with integer division; Winkler: a common prefix
      of up to 4 characters weighted 0.1, applied only above a Jaro similarity of 0.7;
    - Damerau-Levenshtein unrestricted (Lowrance-Wagner, as DuckDB: 'ca' → 'abc' is 2, not the 3 of OSA).
-#}
{% macro create_warehouse_functions() -%}
    {{ return(adapter.dispatch('create_warehouse_functions', 'crm_sync')()) }}
{%- endmacro %}

{#- DuckDB and Snowflake have them built in (macros/cross_db.sql, macros/value_checks.sql call theirs). -#}
{% macro default__create_warehouse_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_warehouse_functions() -%}
create schema if not exists {{ target.schema }};

-- Whether text parses as a type (safe_cast, macros/value_checks.sql): PostgreSQL 16's pg_input_is_valid, or on
-- 15 the cast itself tried in a block that catches its error.
create or replace function {{ target.schema }}.input_is_valid(value text, type_name text)
returns boolean language plpgsql stable strict as $fn$
begin
    if current_setting('server_version_num')::integer >= 160000 then
        return pg_input_is_valid(value, type_name);
    end if;
    execute format('select cast($1 as %s)', type_name) using value;
    return true;
exception when others then
    return false;
end
$fn$;

create or replace function {{ target.schema }}.jaro_winkler_similarity(a text, b text)
returns double precision language plpgsql immutable strict parallel safe as $fn$
declare
    s text[] := regexp_split_to_array(a, '');
    t text[] := regexp_split_to_array(b, '');
    ls integer := char_length(a);
    lt integer := char_length(b);
    window_size integer;
    s_matched boolean[];
    t_matched boolean[];
    matches integer := 0;
    transpositions integer := 0;
    prefix integer := 0;
    k integer := 1;
    sim double precision;
    weight double precision;
    weight_hi double precision;
    weight_lo double precision;
    rest double precision;
    rest_hi double precision;
    rest_lo double precision;
    split double precision;
    product double precision;
    product_error double precision;
    total double precision;
begin
    if ls = 0 or lt = 0 then
        return 0;
    end if;
    window_size := greatest(greatest(ls, lt) / 2 - 1, 0);
    s_matched := array_fill(false, array[ls]);
    t_matched := array_fill(false, array[lt]);
    for i in 1..ls loop
        for j in greatest(1, i - window_size)..least(lt, i + window_size) loop
            if not t_matched[j] and s[i] = t[j] then
                s_matched[i] := true;
                t_matched[j] := true;
                matches := matches + 1;
                exit;
            end if;
        end loop;
    end loop;
    if matches = 0 then
        return 0;
    end if;
    for i in 1..ls loop
        if s_matched[i] then
            while not t_matched[k] loop
                k := k + 1;
            end loop;
            if s[i] <> t[k] then
                transpositions := transpositions + 1;
            end if;
            k := k + 1;
        end if;
    end loop;
    transpositions := transpositions / 2;
    -- The same operations in the same order as DuckDB, so that thresholds (>= 0.9) cut at the same pairs.
    sim := (matches::double precision / ls + matches::double precision / lt
        + (matches - transpositions)::double precision / matches) / 3.0::double precision;
    if sim > 0.7 then
        while prefix < least(4, ls, lt) and s[prefix + 1] = t[prefix + 1] loop
            prefix := prefix + 1;
        end loop;
        -- sim + weight * (1 - sim) rounded once, as DuckDB's build computes it (a fused multiply-add): the
        -- product kept exact as two doubles (Dekker), then added. Rounding twice is one unit of the last place
        -- off, enough to fall on the other side of a threshold such as 0.92.
        weight := prefix * 0.1::double precision;
        rest := 1.0::double precision - sim;
        split := 134217729.0::double precision * weight;
        weight_hi := split - (split - weight);
        weight_lo := weight - weight_hi;
        split := 134217729.0::double precision * rest;
        rest_hi := split - (split - rest);
        rest_lo := rest - rest_hi;
        product := weight * rest;
        product_error := ((weight_hi * rest_hi - product) + weight_hi * rest_lo + weight_lo * rest_hi)
            + weight_lo * rest_lo;
        total := product + sim;
        split := total - product;
        sim := total + (((product - (total - split)) + (sim - split)) + product_error);
    end if;
    return sim;
end
$fn$;

create or replace function {{ target.schema }}.damerau_levenshtein(a text, b text)
returns integer language plpgsql immutable strict parallel safe as $fn$
declare
    s text[] := regexp_split_to_array(a, '');
    t text[] := regexp_split_to_array(b, '');
    ls integer := char_length(a);
    lt integer := char_length(b);
    width integer := lt + 2;
    largest integer := ls + lt;
    -- (ls + 2) x (lt + 2) matrix, row-major, 0-based cell (r, c) at r * width + c + 1.
    d integer[];
    -- last_row[j]: the last row (1-based, 0 for none) whose source character equals t[j].
    last_row integer[];
    last_col integer;
    row_match integer;
    col_match integer;
    cost integer;
begin
    if ls = 0 or lt = 0 then
        return greatest(ls, lt);
    end if;
    d := array_fill(0, array[(ls + 2) * width]);
    last_row := array_fill(0, array[lt]);
    d[1] := largest;
    for i in 0..ls loop
        d[(i + 1) * width + 1] := largest;
        d[(i + 1) * width + 2] := i;
    end loop;
    for j in 0..lt loop
        d[j + 2] := largest;
        d[width + j + 2] := j;
    end loop;
    for i in 1..ls loop
        last_col := 0;
        for j in 1..lt loop
            row_match := last_row[j];
            col_match := last_col;
            if s[i] = t[j] then
                cost := 0;
                last_col := j;
            else
                cost := 1;
            end if;
            d[(i + 1) * width + j + 2] := least(
                d[i * width + j + 1] + cost,
                d[(i + 1) * width + j + 1] + 1,
                d[i * width + j + 2] + 1,
                d[row_match * width + col_match + 1] + (i - row_match - 1) + 1 + (j - col_match - 1)
            );
        end loop;
        for j in 1..lt loop
            if t[j] = s[i] then
                last_row[j] := i;
            end if;
        end loop;
    end loop;
    return d[(ls + 1) * width + lt + 2];
end
$fn$;
{%- endmacro %}
