{#-
    Every conflict the sync resolved: a field both sides changed since they last agreed, to different values.
    The newer edit won (an empty value never beats a filled one). Kept as a log: incremental, a conflict is
    logged once (the same two values on the same field of the same link), never rebuilt.
-#}
{{ config(
    materialized='incremental',
    unique_key='conflict_id',
    incremental_strategy='delete+insert',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

conflicts as (

    select
        {{ dbt.hash(dbt.concat([
            'link_id', "'|'", 'mapping_key', "'|'",
            "coalesce(source_value, '')", "'|'", "coalesce(target_value, '')", "'|'", "coalesce(agreed_value, '')",
        ])) }} as conflict_id,
        *
    from {{ ref('int_sync__field_decisions') }}
    where change = 'conflict'

)

select
    ----------  ids
    conflicts.conflict_id,
    conflicts.flow_id,
    conflicts.link_id,

    ----------  the source side
    conflicts.source_system,
    conflicts.source_entity,
    conflicts.source_id,
    conflicts.source_field,
    conflicts.source_value,
    conflicts.source_modified_at,

    ----------  the target side
    conflicts.target_system,
    conflicts.target_entity,
    conflicts.target_id,
    conflicts.target_field,
    conflicts.target_value,
    conflicts.target_modified_at,

    ----------  the outcome
    conflicts.agreed_value,
    case when conflicts.direction = 'to_target' then 'source' else 'target' end as winner,
    case when conflicts.direction = 'to_target' then conflicts.source_for_target
        else conflicts.target_for_source end as winning_value,

    ----------  timestamps
    {{ run_timestamp() }} as logged_at

from conflicts
{%- if is_incremental() %}
where conflicts.conflict_id not in (select conflict_id from {{ this }})
{%- endif %}
