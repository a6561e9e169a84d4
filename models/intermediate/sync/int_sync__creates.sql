{#-
    The records each flow creates in its target: source records (through the flow's filter) that were never
    linked in the flow, active or closed (a link closed because the target was deleted is reported, not
    re-created), one row per mapped field with the value as it is written.

    A field the same plan also updates on the source record (its attribute is being merged across the record's
    cluster, int_sync__field_decisions) is created with the merged value, not the one the source holds until the
    update lands: the new record joins its cluster agreeing with it, rather than as one more value to merge the
    next round.

    A create waits (waiting_for) while a record it refers to is not linked yet (a contact's account that this
    sync is creating), and while an earlier flow into the same target entity still has creates the push never
    tried: flows 1 and 4 both create Custom CRM customers, and the second one's records should first get the
    chance to match what the first one created rather than create the same company twice. It also waits while
    the target holds a probable match for it (`review: <system> <entity> <id>`, from link_review).

    A source field whose value is invalid (macros/value_checks.sql) rejects the create (rejection): the record is
    created once it is fixed, never with the invalid value and never with the field left out.
-#}
{{ sync_depends_on() }}
-- depends_on: {{ ref('int_sync__field_decisions') }}
-- depends_on: {{ ref('link_review') }}
{%- set flows = sync_flows() %}
{%- set text = dbt.type_string() %}

with

{% if flows -%}
unlinked_as_read as (

    {%- for flow in flows %}
    {%- set src = flow_side(flow.source_system ~ '__' ~ flow.source_entity, with_keys=false) %}
    {% if not loop.first %}union all{% endif %}

    select
        {{ flow.flow_id }} as flow_id,
        '{{ flow.source_system }}' as source_system,
        '{{ flow.source_entity }}' as source_entity,
        cast(s.{{ src.id }} as {{ text }}) as source_id,
        '{{ flow.target_system }}' as target_system,
        '{{ flow.target_entity }}' as target_entity,
        m.source_field,
        m.target_field,
        m.target_type,
        m.compare_as,
        m.reference_flow_id,
        m.source_column,
        {{ mapped_column('s', 'm.source_column', flow.mappings | map(attribute='source_column')) }} as source_value,
        {{ mapped_raw('s', 'm.source_column', raw_kept_columns(src.staging)) }} as source_raw,
        s.modified_at as source_modified_at
    from {{ src.staging }} as s
    cross join ({{ mapping_rows(flow) }}) as m
    where {{ flow_filter(flow, 's') }}
        and cast(s.{{ src.id }} as {{ text }}) not in (
            select source_id from {{ ref('link_' ~ flow.flow_name) }}
        )
        and cast(s.{{ src.id }} as {{ text }}) not in (
            select cast({{ src.id }} as {{ text }}) from {{ src.deleted }}
        )
    {%- endfor %}

),

unlinked as (

    select
        unlinked_as_read.flow_id,
        unlinked_as_read.source_system,
        unlinked_as_read.source_entity,
        unlinked_as_read.source_id,
        unlinked_as_read.target_system,
        unlinked_as_read.target_entity,
        unlinked_as_read.source_field,
        unlinked_as_read.target_field,
        unlinked_as_read.target_type,
        unlinked_as_read.compare_as,
        unlinked_as_read.reference_flow_id,
        case
            when decisions.record_id is not null then decisions.new_value
            else unlinked_as_read.source_value
        end as source_value,
        case when decisions.record_id is null then {{ value_problem(
            'unlinked_as_read.source_value', 'unlinked_as_read.source_raw',
            'unlinked_as_read.compare_as', 'unlinked_as_read.source_column'
        ) }} end as problem,
        unlinked_as_read.source_modified_at
    from unlinked_as_read
    left join {{ ref('int_sync__field_decisions') }} as decisions
        on decisions.system = unlinked_as_read.source_system
        and decisions.entity = unlinked_as_read.source_entity
        and decisions.record_id = unlinked_as_read.source_id
        and decisions.field = unlinked_as_read.source_field
        and decisions.change <> 'held_clear'

),

{#- The records references may point to: every source side's live ids. -#}
live_records as (

    {%- for flow in flows %}
    {%- set src = flow_side(flow.source_system ~ '__' ~ flow.source_entity, with_keys=false) %}
    {% if not loop.first %}union all{% endif %}
    select {{ flow.flow_id }} as flow_id, cast(s.{{ src.id }} as {{ text }}) as record_id
    from {{ src.staging }} as s
    where {{ flow_filter(flow, 's') }}
        and cast(s.{{ src.id }} as {{ text }}) not in (select cast({{ src.id }} as {{ text }}) from {{ src.deleted }})
    {%- endfor %}

),

links as (

    {{ active_links() }}

),

countries as (

    select {{ country_lookup_key('name') }} as lookup_key, min(iso_code) as iso_code
    from {{ ref('country_codes') }}
    group by 1

),

resolved as (

    select
        unlinked.*,
        case
            when unlinked.compare_as = 'reference' then parent_link.target_id
            else {{ sync_written('unlinked.source_value', 'unlinked.compare_as', 'countries.iso_code') }}
        end as new_value,
        case
            when unlinked.compare_as = 'reference' and unlinked.source_value is not null
                and parent_link.target_id is null and parent.record_id is not null
                then unlinked.source_field || ' ' || unlinked.source_value || ' is not linked in flow '
                    || cast(unlinked.reference_flow_id as {{ text }}) || ' yet'
        end as waiting_for_parent,
        case when unlinked.problem is not null then {{ invalid_value_reason(
            'unlinked.source_system', 'unlinked.source_entity', 'unlinked.source_id', 'unlinked.source_field',
            'unlinked.problem'
        ) }} end as rejection
    from unlinked
    left join links as parent_link
        on unlinked.compare_as = 'reference'
        and parent_link.flow_id = unlinked.reference_flow_id
        and parent_link.source_id = unlinked.source_value
    left join live_records as parent
        on unlinked.compare_as = 'reference'
        and parent.flow_id = unlinked.reference_flow_id
        and parent.record_id = unlinked.source_value
    left join countries
        on unlinked.compare_as = 'country'
        and countries.lookup_key = {{ country_lookup_key('unlinked.source_value') }}

),

records as (

    select
        flow_id,
        source_id,
        target_system,
        target_entity,
        min(waiting_for_parent) as waiting_for_parent
    from resolved
    group by 1, 2, 3, 4

),

attempted as (

    select distinct plan_key
    from {{ push_table('push_outcomes', {'plan_key': text}) }} as outcomes

),

{#- Per target entity, the first flow whose creates the push has not tried yet; later flows wait for it. -#}
first_untried_flow as (

    select records.target_system, records.target_entity, min(records.flow_id) as flow_id
    from records
    where records.waiting_for_parent is null
        and 'create:' || cast(records.flow_id as {{ text }}) || ':' || records.source_id
            not in (select plan_key from attempted)
    group by 1, 2

),

{#- A record with a probable match in the target (a probabilistic candidate in link_review) is not created beside
    it: it waits until a person decides in seeds/link_overrides.csv (force: linked; forbid: created). #}
in_review as (

    select
        flow_id,
        source_id,
        'review: ' || min(target_system) || ' ' || min(target_entity) || ' ' || min(target_id)
            || case when count(*) > 1 then ' and ' || cast(count(*) - 1 as {{ text }}) || ' more' else '' end
            as waiting_for
    from {{ ref('link_review') }}
    where match_rule = 'probabilistic'
    group by flow_id, source_id

),

waiting as (

    select
        records.flow_id,
        records.source_id,
        coalesce(
            records.waiting_for_parent,
            in_review.waiting_for,
            case
                when records.flow_id > first_untried_flow.flow_id
                    then 'flow ' || cast(first_untried_flow.flow_id as {{ text }}) || ' creates '
                        || records.target_system || ' ' || records.target_entity || ' first'
            end
        ) as waiting_for
    from records
    left join in_review
        on in_review.flow_id = records.flow_id
        and in_review.source_id = records.source_id
    left join first_untried_flow
        on first_untried_flow.target_system = records.target_system
        and first_untried_flow.target_entity = records.target_entity

)

select
    ----------  the record to create
    'create:' || cast(resolved.flow_id as {{ text }}) || ':' || resolved.source_id as plan_key,
    resolved.flow_id,
    resolved.source_system,
    resolved.source_entity,
    resolved.source_id,
    resolved.target_system,
    resolved.target_entity,

    ----------  one of its fields
    resolved.target_field,
    resolved.target_type,
    resolved.new_value,
    resolved.rejection,
    waiting.waiting_for,

    ----------  timestamps
    resolved.source_modified_at

from resolved
inner join waiting
    on waiting.flow_id = resolved.flow_id
    and waiting.source_id = resolved.source_id
{%- set defaults = var('create_defaults', {}) %}
{%- for flow in flows if defaults.get(flow.flow_id) or defaults.get(flow.flow_id | string) %}
{%- for field, value in (defaults.get(flow.flow_id) or defaults.get(flow.flow_id | string)).items()
    if field not in flow.mappings | map(attribute='target_field') | list %}

union all

{#- A value the flow writes on every record it creates (dbt var create_defaults), where no mapping gives one. #}
select
    'create:' || cast(records.flow_id as {{ text }}) || ':' || records.source_id as plan_key,
    records.flow_id,
    '{{ flow.source_system }}' as source_system,
    '{{ flow.source_entity }}' as source_entity,
    records.source_id,
    records.target_system,
    records.target_entity,
    '{{ field }}' as target_field,
    'string' as target_type,
    {{ "'" ~ value ~ "'" if value else 'cast(null as ' ~ text ~ ')' }} as new_value,
    cast(null as {{ text }}) as rejection,
    waiting.waiting_for,
    cast(null as {{ dbt.type_timestamp() }}) as source_modified_at
from records
inner join waiting
    on waiting.flow_id = records.flow_id
    and waiting.source_id = records.source_id
where records.flow_id = {{ flow.flow_id }}
{%- endfor %}
{%- endfor %}
{%- else %}
nothing as (select 1 as n)
select cast(null as {{ text }}) as plan_key
from nothing
where 1 = 0
{%- endif %}
