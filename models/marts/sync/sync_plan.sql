{#-
    What the push does next, one row per field to write (models/marts/sync/_sync__models.yml documents the
    columns): creates (source records a flow has not linked) and updates (the winning side of each field's
    three-way merge, written to the other side), each value checked against the target's limits. A value that
    cannot be written carries its rejection and is not sent; a create with any rejection is not sent at all.
    Updates go both ways along the links: every record of an identity cluster gets the attribute's winning value
    (int_sync__field_decisions). An invalid value (macros/value_checks.sql) is never sent: the writes it would
    have caused are rejected rows naming it (int_sync__quarantined_writes), a create carrying one is rejected, and
    every value sent is checked once more here.
-#}

with

updates as (

    select
        'update' as action,
        system,
        entity,
        record_id,
        flow_id,
        winner_system as from_system,
        winner_entity as from_entity,
        winner_record_id as from_id,
        field,
        value_type,
        old_value,
        new_value,
        change,
        cast(null as {{ dbt.type_string() }}) as held_because,
        winner_modified_at as modified_at
    from {{ ref('int_sync__field_decisions') }}
    -- a held clear is listed (sync_held_clears), never sent
    where change <> 'held_clear'

    union all

    select
        'update' as action,
        system,
        entity,
        record_id,
        flow_id,
        from_system,
        from_entity,
        from_id,
        field,
        value_type,
        old_value,
        cast(null as {{ dbt.type_string() }}) as new_value,
        'invalid_source' as change,
        rejection as held_because,
        modified_at
    from {{ ref('int_sync__quarantined_writes') }}

),

writes as (

    select
        'update:' || system || ':' || entity || ':' || record_id as plan_key,
        action,
        system,
        entity,
        record_id,
        flow_id,
        from_system as source_system,
        from_entity as source_entity,
        from_id as source_id,
        field,
        value_type,
        old_value,
        new_value,
        change,
        held_because,
        cast(null as {{ dbt.type_string() }}) as waiting_for,
        modified_at
    from updates
    {%- if var('switched_off') %}
    -- a system the customer switched off is not written (int_sync__creates plans no create in it either)
    where system not in ({% for system in var('switched_off') %}'{{ system }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif %}

    union all

    select
        plan_key,
        action,
        target_system as system,
        target_entity as entity,
        record_id,
        flow_id,
        source_system,
        source_entity,
        source_id,
        target_field as field,
        target_type as value_type,
        cast(null as {{ dbt.type_string() }}) as old_value,
        new_value,
        action as change,
        rejection as held_because,
        waiting_for,
        source_modified_at as modified_at
    from {{ ref('int_sync__creates') }}

),

{#- A required field of the target that no mapping fills: a create cannot be sent without it. -#}
unfilled_required as (

    select distinct
        writes.plan_key,
        writes.action,
        writes.system,
        writes.entity,
        writes.record_id,
        writes.flow_id,
        writes.source_system,
        writes.source_entity,
        writes.source_id,
        limits.field,
        'string' as value_type,
        cast(null as {{ dbt.type_string() }}) as old_value,
        cast(null as {{ dbt.type_string() }}) as new_value,
        'create' as change,
        cast(null as {{ dbt.type_string() }}) as held_because,
        writes.waiting_for,
        writes.modified_at
    from writes
    inner join {{ ref('field_limits') }} as limits
        on limits.system = writes.system
        and limits.entity = writes.entity
        and limits.required
    where writes.action = 'create'
        and not exists (
            select 1 from writes as filled
            where filled.plan_key = writes.plan_key and filled.field = limits.field
        )

),

checked as (

    select
        all_writes.*,
        coalesce(
            all_writes.held_because,
            {{ value_rejection('all_writes.new_value', 'limits', 'all_writes.field', 'all_writes.action') }},
            {{ written_value_rejection('all_writes.new_value', 'all_writes.value_type', 'all_writes.field') }}
        ) as rejection
    from (
        select * from writes
        union all
        select * from unfilled_required
    ) as all_writes
    left join {{ ref('field_limits') }} as limits
        on limits.system = all_writes.system
        and limits.entity = all_writes.entity
        and limits.field = all_writes.field

)

select
    ----------  the write
    plan_key,
    action,
    system,
    entity,
    record_id,

    ----------  where the value comes from
    flow_id,
    source_system,
    source_entity,
    source_id,

    ----------  the field
    field,
    value_type,
    old_value,
    new_value,
    change,

    ----------  whether it is sent
    rejection,
    waiting_for,

    ----------  timestamps
    modified_at,
    {{ run_timestamp() }} as planned_at

from checked
