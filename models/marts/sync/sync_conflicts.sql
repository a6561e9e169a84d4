{#-
    Every conflict the sync resolved: an attribute that records in two or more systems changed, to different
    values, since they last agreed. One row per losing edit, beside the winning one: the newer edit won (an empty
    value never beats a filled one). A log: each conflict once, kept across builds (never rebuilt).
-#}
{{ config(
    materialized='incremental',
    unique_key='conflict_id',
    incremental_strategy=upsert_strategy(),
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

losers as (

    select
        {{ dbt.hash(dbt.concat([
            'system', "'|'", 'entity', "'|'", 'record_id', "'|'", 'field', "'|'",
            "coalesce(old_value, '')", "'|'", "coalesce(winner_value, '')", "'|'", "coalesce(agreed_value, '')",
        ])) }} as conflict_id,
        *
    from {{ ref('int_sync__field_decisions') }}
    where change = 'conflict' and is_edited

)

select
    ----------  ids
    losers.conflict_id,
    losers.cluster_id,
    losers.flow_id,

    ----------  the losing edit
    losers.system,
    losers.entity,
    losers.record_id,
    losers.field,
    losers.old_value as value,
    losers.modified_at,

    ----------  the winning edit
    losers.winner_system,
    losers.winner_entity,
    losers.winner_record_id,
    losers.winner_field,
    losers.winner_value,
    losers.winner_modified_at,

    ----------  what both changed from
    losers.agreed_value,

    ----------  timestamps
    {{ run_timestamp() }} as logged_at

from losers
{%- if is_incremental() %}
where losers.conflict_id not in (select conflict_id from {{ this }})
{%- endif %}
