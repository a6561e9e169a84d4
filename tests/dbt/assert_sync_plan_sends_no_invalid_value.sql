{#-
    The guard before the push: no value the plan sends breaks a value rule (macros/value_checks.sql). sync_plan
    holds such a value itself (its rejection names system, record, field and rule), so a row here is a bug in
    how the plan was built, not bad data: it names the records and stops the push.
-#}
{{ config(tags=['guard']) }}  {#- checked before every round's push (sync/rounds.py) #}
select plan_key, system, entity, record_id, field, new_value
from {{ ref('sync_plan') }}
where rejection is null
    and {{ value_problem('new_value', 'null', 'value_type', 'lower(field)') }} is not null
