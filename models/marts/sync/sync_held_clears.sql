{#-
    The clears the sync holds (a field's on_clear policy `hold`, the default): a system emptied a filled field
    (blank, or only whitespace and invisible characters), and the other records of its cluster still hold the
    value. Nothing is written either way: the emptied field is not refilled, the value is not erased elsewhere.
    One row per value the clear would erase. A person decides: write the value back in the system that cleared
    it, or clear it everywhere (or set the field's on_clear to `propagate`). Rebuilt every build: a clear that
    is resolved, or overtaken by a new value, leaves the list.
-#}

select
    ----------  the clear
    winner_system as cleared_in_system,
    winner_entity as cleared_in_entity,
    winner_record_id as cleared_in_record_id,
    winner_field as cleared_field,

    ----------  the value it would erase, and where
    system,
    entity,
    record_id,
    field,
    old_value as value,
    agreed_value,
    cluster_id,

    ----------  timestamps
    winner_modified_at as cleared_at,
    {{ run_timestamp() }} as planned_at

from {{ ref('int_sync__field_decisions') }}
where change = 'held_clear'
