{#-
    The agreed value of every synced field of every linked record (a slot, int_sync__compared_slots): the value all the
    records of its identity cluster held for that attribute the last time they were seen to agree, in the
    compared form. The merge (int_sync__field_decisions) compares each slot with it: a slot that moved away from it
    was edited. A value counts as agreed only once the warehouse has read it back from every system, so what the
    push wrote is agreed when the targets show it, and a value that comes back equal is never an edit.

    Incremental and never rebuilt (a rebuild would forget what was agreed and make every difference an initial
    one): a build rewrites only the slots whose attribute now agrees across the cluster on a new value.
-#}
{{ config(
    materialized='incremental',
    unique_key=['system', 'entity', 'record_id', 'field'],
    incremental_strategy=upsert_strategy(),
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

slots as (

    select * from {{ ref('int_sync__compared_slots') }}

),

agreeing_components as (

    select component_id
    from slots
    group by component_id
    having min(case when is_known then 1 else 0 end) = 1
        and count(distinct coalesce(canonical, '')) = 1
        and (count(canonical) = 0 or count(canonical) = count(*))

),

agreeing as (

    select slots.system, slots.entity, slots.record_id, slots.field, slots.canonical as agreed_value
    from slots
    inner join agreeing_components on agreeing_components.component_id = slots.component_id

)

select
    agreeing.system,
    agreeing.entity,
    agreeing.record_id,
    agreeing.field,
    agreeing.agreed_value,
    {{ run_timestamp() }} as agreed_at
from agreeing
{%- if is_incremental() %}
left join {{ this }} as known
    on known.system = agreeing.system
    and known.entity = agreeing.entity
    and known.record_id = agreeing.record_id
    and known.field = agreeing.field
where known.record_id is null
    or not {{ same_value('known.agreed_value', 'agreeing.agreed_value') }}
{%- endif %}
