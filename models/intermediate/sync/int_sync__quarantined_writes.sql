{#-
    The writes an invalid value would have caused, held: for every slot whose value breaks a rule
    (int_sync__slots.problem, macros/value_checks.sql), every other valid slot of its attribute that the merge does
    not write anyway, as an update rejected with a reason that names the invalid value's system, record, field and
    rule. sync_plan carries them and the push logs them as rejected, so the summary shows what is held and why;
    nothing is sent from an invalid value, and the other slots keep the agreed value.
-#}

with

slots as (

    select * from {{ ref('int_sync__slots') }}

),

invalid as (

    select
        slots.*,
        -- One reason per attribute: the first invalid slot names it.
        row_number() over (partition by component_id order by system, entity, record_id, field) as invalid_rank
    from slots
    where problem is not null

),

decided as (

    select system, entity, record_id, field from {{ ref('int_sync__field_decisions') }}

)

select
    ----------  the write held
    'update:' || targets.system || ':' || targets.entity || ':' || targets.record_id as plan_key,
    targets.system,
    targets.entity,
    targets.record_id,
    targets.flow_id,
    targets.field,
    targets.value_type,
    targets.value as old_value,

    ----------  the invalid value it would carry
    invalid.system as from_system,
    invalid.entity as from_entity,
    invalid.record_id as from_id,
    invalid.field as from_field,
    invalid.problem,
    {{ invalid_value_reason('invalid.system', 'invalid.entity', 'invalid.record_id', 'invalid.field', 'invalid.problem') }}
        as rejection,

    ----------  timestamps
    invalid.modified_at

from invalid
inner join slots as targets
    on targets.component_id = invalid.component_id
    and targets.problem is null
left join decided
    on decided.system = targets.system
    and decided.entity = targets.entity
    and decided.record_id = targets.record_id
    and decided.field = targets.field
where invalid.invalid_rank = 1
    and decided.record_id is null
