{#-
    link_table(flow_id): the body of a permanent link model link_<flow_name> (its sides: declared_flow).

    The model is incremental (unique_key link_id, never rebuilt by --full-refresh): a run only adds rows for new
    links and rewrites rows whose state changes, so a link once made stays whatever later happens to the fields it
    was matched on. Per run, in this order:

      1. closing: an active link whose source or target was deleted, or that a `forbid` override now names,
         is closed (is_active false, closed_at, closed_reason); a `force` override closes the active links it
         displaces ('overridden'). Rows are never deleted.
      2. new links, each side at most once among the active links of the flow, strongest evidence first:
         `force` overrides ('manual'), records the push created ('created_by_push'), then the pairs the matching
         proposes (int_pairs__<flow>: the match rules in the flow's match_rule order, each on the
         records the stronger ones left; a record with more than one candidate under a rule is not linked but
         listed in link_review). A record already linked, now or earlier, is not linked again.
      3. a closed link whose two records are linked again (a deleted record restored, an override removed)
         becomes active again with its first linked_at.

    A flow whose `enabled` is false in seeds/flows.csv gets no new links.
-#}
{% macro link_table(flow_id) -%}
{{- config(
    materialized='incremental',
    unique_key='link_id',
    incremental_strategy=upsert_strategy(),
    full_refresh=false,
    on_schema_change='append_new_columns',
) -}}
{#- The seed row itself is read in SQL (the `flow` CTE); this checks it against what dbt parsed. -#}
{%- do flow_config(flow_id) -%}
{%- set declared = declared_flow(flow_id) -%}
{%- set src = flow_side(declared.source, with_keys=false) -%}
{%- set tgt = flow_side(declared.target, with_keys=false) -%}
{%- set candidates_model = ref('int_pairs__' ~ declared.flow_name) -%}
{%- set text = dbt.type_string() -%}
{%- set ts = dbt.type_timestamp() -%}

with

flow as (

    select flow_id, flow_name, source_system, source_entity, target_system, target_entity, enabled
    from {{ ref('flows') }}
    where flow_id = {{ flow_id }}

),

existing as (

    {% if is_incremental() -%}
    {#- A link table from before the scores has no score columns yet (on_schema_change adds them after this). #}
    {#- (In a unit test `this` is the fixture's name, a fixture written before the scores.) #}
    {%- set held = [] if this is string else adapter.get_columns_in_relation(this) | map(attribute='name')
        | map('lower') | list %}
    select
        previous.*
        {%- for column in ['match_weight', 'match_probability'] if column not in held %},
        cast(null as {{ dbt.type_float() }}) as {{ column }}
        {%- endfor %}
    from {{ this }} as previous
    {%- else -%}
    select
        cast(null as {{ text }}) as link_id,
        cast(null as {{ text }}) as source_id,
        cast(null as {{ text }}) as target_id,
        cast(null as {{ text }}) as match_rule,
        cast(null as {{ text }}) as match_key,
        cast(null as {{ dbt.type_float() }}) as match_weight,
        cast(null as {{ dbt.type_float() }}) as match_probability,
        cast(null as {{ ts }}) as linked_at,
        cast(null as boolean) as is_active,
        cast(null as {{ ts }}) as closed_at,
        cast(null as {{ text }}) as closed_reason
    where 1 = 0
    {%- endif %}

),

active as (

    select * from existing where is_active

),

overrides as (

    select
        cast(source_id as {{ text }}) as source_id,
        cast(target_id as {{ text }}) as target_id,
        action,
        reason
    from {{ ref('link_overrides') }}
    where flow_id = {{ flow_id }}

),

source_deleted as (

    select distinct cast({{ src.id }} as {{ text }}) as record_id from {{ src.deleted }}

),

target_deleted as (

    select distinct cast({{ tgt.id }} as {{ text }}) as record_id from {{ tgt.deleted }}

),

forced as (

    select distinct overrides.source_id, overrides.target_id
    from overrides
    cross join flow
    where overrides.action = 'force'
        and flow.enabled
        and overrides.source_id not in (select record_id from source_deleted)
        and overrides.target_id not in (select record_id from target_deleted)
        and not exists (
            select 1 from active
            where active.source_id = overrides.source_id and active.target_id = overrides.target_id
        )

),

closing as (

    select
        active.link_id,
        case
            when forbidden.source_id is not null then 'forbidden'
            when active.source_id in (select record_id from source_deleted) then 'source_deleted'
            when active.target_id in (select record_id from target_deleted) then 'target_deleted'
            when active.source_id in (select source_id from forced)
                or active.target_id in (select target_id from forced) then 'overridden'
        end as closed_reason
    from active
    left join overrides as forbidden
        on forbidden.action = 'forbid'
        and forbidden.source_id = active.source_id
        and forbidden.target_id = active.target_id

),

closed as (

    select
        active.link_id,
        active.source_id,
        active.target_id,
        active.match_rule,
        active.match_key,
        active.match_weight,
        active.match_probability,
        active.linked_at,
        false as is_active,
        {{ run_timestamp() }} as closed_at,
        closing.closed_reason
    from active
    inner join closing on closing.link_id = active.link_id
    where closing.closed_reason is not null

),

taken_0 as (

    select source_id, target_id from active where link_id not in (select link_id from closed)
    union all
    select source_id, target_id from forced

),

pushed as (

    select distinct created.source_id, created.target_id
    from {{ push_created_links(flow_id) }} as created
    cross join flow
    where flow.enabled
        and created.source_id not in (select source_id from taken_0)
        and created.target_id not in (select target_id from taken_0)
        and created.source_id not in (select record_id from source_deleted)
        and created.target_id not in (select record_id from target_deleted)

),

taken_1 as (

    select source_id, target_id from taken_0
    union all
    select source_id, target_id from pushed

),

proposed as (

    select c.source_id, c.target_id, c.match_rule, c.link_key, c.match_weight, c.match_probability
    from {{ candidates_model }} as c
    cross join flow
    where flow.enabled
        and c.is_proposed
        and c.source_id not in (select source_id from taken_1)
        and c.target_id not in (select target_id from taken_1)
        and not exists (
            select 1 from overrides
            where overrides.action = 'forbid'
                and overrides.source_id = c.source_id
                and overrides.target_id = c.target_id
        )

),

{%- set no_score = 'cast(null as ' ~ dbt.type_float() ~ ') as match_weight, cast(null as ' ~ dbt.type_float()
    ~ ') as match_probability' %}

new_links as (

    select source_id, target_id, 'manual' as match_rule, cast(null as {{ text }}) as match_key, {{ no_score }}
    from forced
    union all
    select source_id, target_id, 'created_by_push' as match_rule, cast(null as {{ text }}) as match_key,
        {{ no_score }}
    from pushed
    union all
    select source_id, target_id, match_rule, link_key as match_key, match_weight, match_probability from proposed

),

opened as (

    select
        {{ dbt.hash(dbt.concat(["'" ~ flow_id ~ "'", "'|'", 'new_links.source_id', "'|'", 'new_links.target_id'])) }}
            as link_id,
        new_links.source_id,
        new_links.target_id,
        new_links.match_rule,
        new_links.match_key,
        new_links.match_weight,
        new_links.match_probability
    from new_links

),

changes as (

    select
        opened.link_id,
        opened.source_id,
        opened.target_id,
        coalesce(existing.match_rule, opened.match_rule) as match_rule,
        coalesce(existing.match_key, opened.match_key) as match_key,
        {#- A link keeps the score it was made with (a reopened link from before scores has none). #}
        case when existing.link_id is null then opened.match_weight else existing.match_weight end as match_weight,
        case when existing.link_id is null then opened.match_probability else existing.match_probability end
            as match_probability,
        coalesce(existing.linked_at, {{ run_timestamp() }}) as linked_at,
        true as is_active,
        cast(null as {{ ts }}) as closed_at,
        cast(null as {{ text }}) as closed_reason
    from opened
    left join existing on existing.link_id = opened.link_id

    union all

    select * from closed

)

select
    ----------  ids
    changes.link_id,
    flow.flow_id,
    flow.flow_name,

    ----------  source record
    flow.source_system,
    flow.source_entity,
    changes.source_id,

    ----------  target record
    flow.target_system,
    flow.target_entity,
    changes.target_id,

    ----------  how it was linked
    changes.match_rule,
    changes.match_key,
    changes.match_weight,
    changes.match_probability,

    ----------  state
    changes.is_active,
    changes.closed_reason,

    ----------  timestamps
    changes.linked_at,
    changes.closed_at,
    {{ run_timestamp() }} as updated_at

from changes
cross join flow
{%- endmacro %}


{#-
    The links the push made when it created a target record for a source record (reverse_etl writes them to
    the source `reverse_etl.created_links`: flow_id, source_id, target_id, created_at). Until the push has run
    once the table does not exist, and this is an empty relation with the same columns.
-#}
{% macro push_created_links(flow_id) -%}
    {%- set found = existing_source('reverse_etl', 'created_links') -%}
    {%- if found is not none -%}
    (select cast(source_id as {{ dbt.type_string() }}) as source_id, cast(target_id as {{ dbt.type_string() }}) as target_id
     from {{ found }} where flow_id = {{ flow_id }})
    {%- else -%}
    (select cast(null as {{ dbt.type_string() }}) as source_id, cast(null as {{ dbt.type_string() }}) as target_id
     where 1 = 0)
    {%- endif -%}
{%- endmacro %}


{#-
    A declared source's relation when it exists, else none (a table another process or an earlier run writes, not
    there yet). Declared either way, so dbt sees the dependency when it parses. In a unit test source() names the
    test's fixture (a CTE, no database): that is returned.
-#}
{% macro existing_source(source_name, table_name) -%}
    {%- set declared = source(source_name, table_name) -%}
    {%- set is_fixture = declared is string or declared.database is none
        or (declared.identifier or '').startswith('__dbt__cte__') -%}
    {{ return(declared if is_fixture else (load_relation(declared) if execute else none)) }}
{%- endmacro %}
