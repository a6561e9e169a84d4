{#-
    The records each flow creates in its target: source records (through the flow's filter) that were never
    linked in the flow, active or closed (a link closed because the target was deleted is reported, not
    re-created), one row per mapped field with the value as it is written.

    A field the same plan also updates on the source record (its attribute is being merged across the record's
    cluster, int_sync__field_decisions) is created with the merged value, not the one the source holds until the
    update lands: the new record joins its cluster agreeing with it, rather than as one more value to merge the
    next round.

    One plan for the whole chain: a create whose target is the source of another flow is followed through that
    flow at once (chain_level 2, 3, ...: PowerOffice → Zoho → Custom CRM → Exact and CRMOffice), with the values it
    is created with. Such a record's source is not in any system yet: its source_id is the plan_key of the create
    that makes it (`create:1:create:9:<PowerOffice id>`), and the push takes the id from that create's answer. A
    reference to a record this plan creates (a contact's account) is written as that create's plan_key too, and
    the push sends the id the API answered (reverse_etl/push.py orders the creates by these dependencies).

    A record followed down the chain is matched in the plan against what its target holds: its values are not in
    any system yet, so it is matched with the match keys of the record at the root of its chain (the record a
    system holds that the chain starts from, whose values it is created with), under the flow's deterministic
    rules, beside the records the flow's source holds (int_sync__twins_<level>, macros/sync_twins.sql). A record
    the rules pair with one target record is not created but linked to it (action `link`, record_id the target record: the push
    records the link under the id its source's create is answered with), and is not followed further down the
    chain (the record it is linked to is, as a record its system holds); a reference to it is a reference to
    that record.

    A create waits (waiting_for) while a record it refers to is not linked and not created by this plan (its link
    was closed), while the target holds a probable match for it (`review: <system> <entity> <id>`, from
    link_review), and, for a record followed down the chain that the rules did not pair, while its target holds a
    record sharing a match key with it (the next round, when its source exists, matches it with every rule). Flows 1 and 4 both create Custom CRM
    customers: a record of the later flow that shares a match key with a create of the earlier one the push has
    not refused (macros/sync.sql refused_creates: one that failed in transit is sent again) waits for it, so that it
    is linked to what the first one created rather than created twice.

    A source field whose value is invalid (macros/value_checks.sql) rejects the create (rejection): the record is
    created once it is fixed, never with the invalid value and never with the field left out.
-#}
{{ sync_depends_on() }}
-- depends_on: {{ ref('int_sync__field_decisions') }}
-- depends_on: {{ ref('link_review') }}
-- depends_on: {{ ref('identity_clusters') }}
{%- for side in match_key_sides() %}
-- depends_on: {{ ref('int_' ~ side ~ '__match_keys') }}
{%- endfor %}
-- depends_on: {{ ref('int_sync__open_records') }}
-- depends_on: {{ ref('int_sync__twins_1') }}
-- depends_on: {{ ref('int_sync__twins_2') }}
-- depends_on: {{ ref('int_sync__twins_3') }}
{#- Nothing is created in a system the customer switched off (var switched_off), nor followed down the chain from it. -#}
{%- set flows = sync_flows() | rejectattr('target_system', 'in', var('switched_off')) | list %}
{%- set text = dbt.type_string() %}
{%- set sides = match_key_sides() %}
{%- set chains = sync_chains(flows) %}

with

{% if flows -%}
open_records as (

    select * from {{ ref('int_sync__open_records') }}

),

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
    where cast(s.{{ src.id }} as {{ text }}) in (
        select source_id from open_records where flow_id = {{ flow.flow_id }}
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
        unlinked_as_read.source_modified_at,
        unlinked_as_read.source_system as root_system,
        unlinked_as_read.source_entity as root_entity,
        unlinked_as_read.source_id as root_id,
        1 as chain_level
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

{#- The records this plan creates from a record a system holds: a reference to one is resolved by the push. -#}
planned_parents as (

    select distinct flow_id, source_id from unlinked

),

{#- The records the plan links to a twin instead of creating them, per level of the chain (int_sync__twins_<n>). #}
{%- for level in range(1, chains | length + 2) if level == 1 or chains[level - 2] %}
adopted_{{ level }} as (

    select flow_id, source_id, target_id, match_rule from {{ ref_twins(level) }}

),
{% endfor %}

{%- for level in range(1, chains | length + 2) %}
{%- if level == 1 or chains[level - 2] %}
{%- set rows = 'unlinked' if level == 1 else 'chained_' ~ level %}
{%- if level > 1 %}

{#- Level {{ level }}: the creates of level {{ level - 1 }} followed through the flows that read their target. -#}
chained_{{ level }} as (

    {%- for f, g in chains[level - 2] %}
    {% if not loop.first %}union all{% endif %}

    select
        {{ g.flow_id }} as flow_id,
        '{{ g.source_system }}' as source_system,
        '{{ g.source_entity }}' as source_entity,
        'create:{{ f.flow_id }}:' || upstream.source_id as source_id,
        '{{ g.target_system }}' as target_system,
        '{{ g.target_entity }}' as target_entity,
        m.source_field,
        m.target_field,
        m.target_type,
        m.compare_as,
        m.reference_flow_id,
        written.new_value as source_value,
        cast(null as {{ text }}) as problem,
        upstream.source_modified_at,
        upstream.root_system,
        upstream.root_entity,
        upstream.root_id,
        {{ level }} as chain_level
    from (
        select source_id, root_system, root_entity, root_id, max(source_modified_at) as source_modified_at
        from resolved_{{ level - 1 }}
        where flow_id = {{ f.flow_id }}
            -- a record linked to its twin, not created: the twin is followed as the record its system holds
            and source_id not in (select source_id from adopted_{{ level - 1 }} where flow_id = {{ f.flow_id }})
        group by 1, 2, 3, 4
    ) as upstream
    cross join ({{ mapping_rows(g) }}) as m
    left join resolved_{{ level - 1 }} as written
        on written.flow_id = {{ f.flow_id }}
        and written.source_id = upstream.source_id
        and written.target_field = m.source_field
    {%- endfor %}

),

{%- endif %}

resolved_{{ level }} as (

    select
        rows.*,
        {%- set written %}
        case
            when rows.compare_as <> 'reference' then
                {{ sync_written('rows.source_value', 'rows.compare_as', 'countries.iso_code') }}
            -- a record this plan creates: the create's plan_key, for the push to resolve
            when rows.source_value like 'create:%' or parent_link.target_id is null and parent_create.source_id is not null
                then 'create:' || cast(rows.reference_flow_id as {{ text }}) || ':' || rows.source_value
            else parent_link.target_id
        end
        {%- endset %}
        -- a reference to a record the plan links to its twin rather than creating it: that twin
        coalesce(adopted.target_id, {{ written }}) as new_value,
        case
            when rows.compare_as = 'reference' and rows.source_value is not null
                and rows.source_value not like 'create:%'
                and parent_link.target_id is null and parent_create.source_id is null and parent.record_id is not null
                then rows.source_field || ' ' || rows.source_value || ' is not linked in flow '
                    || cast(rows.reference_flow_id as {{ text }}) || ' yet'
        end as waiting_for_parent,
        case when rows.problem is not null then {{ invalid_value_reason(
            'rows.source_system', 'rows.source_entity', 'rows.source_id', 'rows.source_field',
            'rows.problem'
        ) }} end as rejection
    from {{ rows }} as rows
    left join links as parent_link
        on rows.compare_as = 'reference'
        and parent_link.flow_id = rows.reference_flow_id
        and parent_link.source_id = rows.source_value
    left join planned_parents as parent_create
        on rows.compare_as = 'reference'
        and parent_create.flow_id = rows.reference_flow_id
        and parent_create.source_id = rows.source_value
    left join live_records as parent
        on rows.compare_as = 'reference'
        and parent.flow_id = rows.reference_flow_id
        and parent.record_id = rows.source_value
    left join countries
        on rows.compare_as = 'country'
        and countries.lookup_key = {{ country_lookup_key('rows.source_value') }}
    left join (
        {%- for earlier in range(1, level + 1) %}
        {% if not loop.first %}union all {% endif %}select flow_id, source_id, target_id from adopted_{{ earlier }}
        {%- endfor %}
    ) as adopted
        on rows.compare_as = 'reference'
        and 'create:' || cast(adopted.flow_id as {{ text }}) || ':' || adopted.source_id = {{ written }}

),
{%- endif %}
{%- endfor %}

resolved as (

    {%- for level in range(1, chains | length + 2) if level == 1 or chains[level - 2] %}
    {% if not loop.first %}union all {% endif %}select * from resolved_{{ level }} as r
    where not exists (
        select 1 from adopted_{{ level }} as a where a.flow_id = r.flow_id and a.source_id = r.source_id
    )
    {%- endfor %}

),

records as (

    select
        flow_id,
        source_id,
        target_system,
        target_entity,
        root_system,
        root_entity,
        root_id,
        chain_level,
        min(waiting_for_parent) as waiting_for_parent
    from resolved
    group by 1, 2, 3, 4, 5, 6, 7, 8

),

{#- The match keys of every record a create may be a twin of, one row per key (an equi-join, not a cross join):
    the exact keys, and the name and its first letters beside the postcode or city for names spelt a little
    differently. Deliberately wider than the match rules: a twin is not created, only held for a round. -#}
keys as (

    {%- for side in sides %}
    {%- set system, entity = side.split('__') %}
    {% if not loop.first %}union all{% endif %}
    select '{{ system }}' as system, '{{ entity }}' as entity, record_id, kind, value
    from {{ ref('int_' ~ side ~ '__match_keys') }} as k
    cross join lateral (
        values
            ('email', k.email),
            ('phone', k.phone),
            ('phone', k.mobile),
            ('org_number', k.org_number),
            ('web_domain', k.web_domain),
            ('name', k.name),
            ('initial_last_name', left(k.first_name, 1) || ' ' || k.last_name),
            ('name_postcode', left(k.name, 5) || ' ' || k.postcode),
            ('name_city', left(k.name, 5) || ' ' || k.city)
    ) as unpivoted (kind, value)
    where not k.is_deleted and unpivoted.value is not null
    {%- endfor %}

),

root_keys as (

    select records.flow_id, records.source_id, records.target_system, records.target_entity, keys.kind, keys.value
    from records
    inner join keys
        on keys.system = records.root_system
        and keys.entity = records.root_entity
        and keys.record_id = records.root_id

),

{#- A record followed down the chain whose target may hold it already: a record sharing a key with its root, or
    a record of its root's identity cluster. A target record the flow has linked already is no twin: the matching
    pairs no record a link settled (macros/link_candidates.sql), so the next round would create the record beside
    it all the same, a round later. -#}
maybe_present as (

    select
        root_keys.flow_id,
        root_keys.source_id,
        min(root_keys.target_system || ' ' || root_keys.target_entity || ' ' || keys.record_id
            || ' shares its ' || root_keys.kind) as twin
    from root_keys
    inner join records
        on records.flow_id = root_keys.flow_id
        and records.source_id = root_keys.source_id
        and records.chain_level > 1
    inner join keys
        on keys.system = root_keys.target_system
        and keys.entity = root_keys.target_entity
        and keys.kind = root_keys.kind
        and keys.value = root_keys.value
    left join links as settled
        on settled.flow_id = root_keys.flow_id
        and settled.target_id = keys.record_id
    where settled.target_id is null
    group by 1, 2

    union all

    select records.flow_id, records.source_id, min(
        records.target_system || ' ' || records.target_entity || ' ' || member.record_id || ' is in its cluster'
    ) as twin
    from records
    inner join {{ ref('identity_clusters') }} as root
        on root.system = records.root_system
        and root.entity = records.root_entity
        and root.record_id = records.root_id
    inner join {{ ref('identity_clusters') }} as member
        on member.cluster_id = root.cluster_id
        and member.system = records.target_system
        and member.entity = records.target_entity
    where records.chain_level > 1
    group by 1, 2

),

{#- Per record, the first earlier flow into the same target with a create the push has not refused that shares a
    match key with it: the later flow's record waits, to be linked to what the earlier one creates. -#}
earlier_twin as (

    select later.flow_id, later.source_id, min(earlier.flow_id) as flow_id_first
    from root_keys as later
    inner join root_keys as earlier
        on earlier.target_system = later.target_system
        and earlier.target_entity = later.target_entity
        and earlier.flow_id < later.flow_id
        and earlier.kind = later.kind
        and earlier.value = later.value
    inner join records as earlier_record
        on earlier_record.flow_id = earlier.flow_id
        and earlier_record.source_id = earlier.source_id
        and earlier_record.waiting_for_parent is null
    where 'create:' || cast(earlier.flow_id as {{ text }}) || ':' || earlier.source_id
        not in (select plan_key from {{ refused_creates() }})
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
            'chain: ' || maybe_present.twin || '; matched next round',
            case
                when earlier_twin.flow_id_first is not null
                    then 'flow ' || cast(earlier_twin.flow_id_first as {{ text }}) || ' creates '
                        || records.target_system || ' ' || records.target_entity || ' first; matched next round'
            end
        ) as waiting_for
    from records
    left join in_review
        on in_review.flow_id = records.flow_id
        and in_review.source_id = records.source_id
    left join (
        select flow_id, source_id, min(twin) as twin from maybe_present group by 1, 2
    ) as maybe_present
        on maybe_present.flow_id = records.flow_id
        and maybe_present.source_id = records.source_id
    left join earlier_twin
        on earlier_twin.flow_id = records.flow_id
        and earlier_twin.source_id = records.source_id

)

select
    ----------  the record to create
    'create:' || cast(resolved.flow_id as {{ text }}) || ':' || resolved.source_id as plan_key,
    'create' as action,
    cast(null as {{ text }}) as record_id,
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
    'create' as action,
    cast(null as {{ text }}) as record_id,
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
{%- for level in range(1, chains | length + 2) if level == 1 or chains[level - 2] %}
{%- for g in twin_flows(flows, chains, level) %}

union all

{#- A record of level {{ level }} linked to its twin in flow {{ g.flow_id }}: one row, the record it is linked to. #}
select
    'create:{{ g.flow_id }}:' || adopted.source_id as plan_key,
    'link' as action,
    adopted.target_id as record_id,
    adopted.flow_id,
    '{{ g.source_system }}' as source_system,
    '{{ g.source_entity }}' as source_entity,
    adopted.source_id,
    '{{ g.target_system }}' as target_system,
    '{{ g.target_entity }}' as target_entity,
    'link:' || adopted.match_rule as target_field,
    'string' as target_type,
    adopted.target_id as new_value,
    cast(null as {{ text }}) as rejection,
    cast(null as {{ text }}) as waiting_for,
    cast(null as {{ dbt.type_timestamp() }}) as source_modified_at
from adopted_{{ level }} as adopted
where adopted.flow_id = {{ g.flow_id }}
{%- endfor %}
{%- endfor %}
{%- else %}
nothing as (select 1 as n)
select cast(null as {{ text }}) as plan_key
from nothing
where 1 = 0
{%- endif %}
