{#-
    The agreed value of every mapped field of every link: the value both sides last held at the same time (in the
    compared form). The three-way merge (int_sync__field_decisions) compares each side with it: the side that
    moved away from it was edited. A value is agreed when the warehouse sees both systems hold it, so what the push
    wrote counts only once the target shows it, and a value that comes back equal is never an edit.

    Incremental and never rebuilt (a rebuild would forget what was agreed and turn every difference into an
    initial one): a build only rewrites the rows whose two sides now agree on a new value.
-#}
{{ config(
    materialized='incremental',
    unique_key=['link_id', 'mapping_key'],
    incremental_strategy='delete+insert',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

agreeing as (

    select
        flow_id,
        link_id,
        mapping_key,
        source_canonical as agreed_value
    from {{ ref('int_sync__field_values') }}
    where is_source_known
        and is_target_known
        and {{ same_value('source_canonical', 'target_canonical') }}

)

select
    agreeing.flow_id,
    agreeing.link_id,
    agreeing.mapping_key,
    agreeing.agreed_value,
    {{ run_timestamp() }} as agreed_at
from agreeing
{%- if is_incremental() %}
left join {{ this }} as known
    on known.link_id = agreeing.link_id
    and known.mapping_key = agreeing.mapping_key
where known.link_id is null
    or not {{ same_value('known.agreed_value', 'agreeing.agreed_value') }}
{%- endif %}
