{#-
    Every mapped field of every active link, both sides side by side: one row per (flow, link, mapping row).
    The values are compared in their canonical form (compare_as), references are translated through the links of
    their reference flow, and each side's value is also given in the form it would be written to the other side.
    Each side's value is checked (value_problem, macros/value_checks.sql): an invalid one is named, never read as
    empty (a price that failed its staging cast is NULL here, but its raw text is kept).

    Beside them, one side only (link_id and the other side empty): the two records each link the plan makes to a
    twin joins (macros/sync.sql planned_twins), the record its chain starts from on its flow's source side and the
    twin on its own, so that their values take part in the merge of the plan that links them.
-#}
{{ sync_depends_on() }}
-- depends_on: {{ ref('int_sync__twins_1') }}
-- depends_on: {{ ref('int_sync__twins_2') }}
-- depends_on: {{ ref('int_sync__twins_3') }}
{%- set flows = sync_flows() %}
{%- set text = dbt.type_string() %}

with

{% if flows -%}
twins as (

    {{ planned_twins() }}

),

{#- Per flow, its active links and the planned twins' records on their side of it. #}
pairs as (

    {%- for flow in flows %}
    {% if not loop.first %}union all{% endif %}
    select flow_id, link_id, source_id, target_id
    from {{ ref('link_' ~ flow.flow_name) }}
    where is_active
    {%- endfor %}
    union
    select root_flow_id, cast(null as {{ text }}), root_id, cast(null as {{ text }}) from twins
    union
    select
        twin_flow_id,
        cast(null as {{ text }}),
        case when twin_side = 'source' then twin_id end,
        case when twin_side = 'target' then twin_id end
    from twins

),

paired as (

    {%- for flow in flows %}
    {%- set src = flow_side(flow.source_system ~ '__' ~ flow.source_entity, with_keys=false) %}
    {%- set tgt = flow_side(flow.target_system ~ '__' ~ flow.target_entity, with_keys=false) %}
    {% if not loop.first %}union all{% endif %}

    select
        links.flow_id,
        links.link_id,
        '{{ flow.source_system }}' as source_system,
        '{{ flow.source_entity }}' as source_entity,
        links.source_id,
        '{{ flow.target_system }}' as target_system,
        '{{ flow.target_entity }}' as target_entity,
        links.target_id,
        m.mapping_key,
        m.source_field,
        m.target_field,
        m.target_type,
        m.compare_as,
        m.read_back,
        m.reference_flow_id,
        m.source_column,
        m.target_column,
        {{ mapped_column('s', 'm.source_column', flow.mappings | map(attribute='source_column')) }} as source_value,
        {{ mapped_column('t', 'm.target_column', flow.mappings | map(attribute='target_column')) }} as target_value,
        {{ mapped_raw('s', 'm.source_column', raw_kept_columns(src.staging)) }} as source_raw,
        {{ mapped_raw('t', 'm.target_column', raw_kept_columns(tgt.staging)) }} as target_raw,
        s.modified_at as source_modified_at,
        t.modified_at as target_modified_at
    from pairs as links
    left join {{ src.staging }} as s on cast(s.{{ src.id }} as {{ text }}) = links.source_id
    left join {{ tgt.staging }} as t on cast(t.{{ tgt.id }} as {{ text }}) = links.target_id
    cross join ({{ mapping_rows(flow) }}) as m
    where links.flow_id = {{ flow.flow_id }}
        -- a side the pair names is in its system (a planned twin's record names one side only)
        and (links.source_id is null or s.{{ src.id }} is not null)
        and (links.target_id is null or t.{{ tgt.id }} is not null)
        and (links.source_id is null or {{ flow_filter(flow, 's') }})
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
        paired.*,
        -- References: the source's id in the target's id space, and the target's in the source's.
        forward.target_id as source_reference,
        backward.source_id as target_reference,
        source_country.iso_code as source_country,
        target_country.iso_code as target_country
    from paired
    left join links as forward
        on paired.compare_as = 'reference'
        and forward.flow_id = paired.reference_flow_id
        and forward.source_id = paired.source_value
    left join links as backward
        on paired.compare_as = 'reference'
        and backward.flow_id = paired.reference_flow_id
        and backward.target_id = paired.target_value
    left join countries as source_country
        on paired.compare_as = 'country'
        and source_country.lookup_key = {{ country_lookup_key('paired.source_value') }}
    left join countries as target_country
        on paired.compare_as = 'country'
        and target_country.lookup_key = {{ country_lookup_key('paired.target_value') }}

)

select
    ----------  the link
    flow_id,
    link_id,
    source_system,
    source_entity,
    source_id,
    target_system,
    target_entity,
    target_id,

    ----------  the mapped field
    mapping_key,
    source_field,
    target_field,
    target_type,
    compare_as,
    read_back,

    ----------  values as the systems hold them
    source_value,
    target_value,

    ----------  invalid values: the rule each breaks (NULL when valid) and the raw text of a failed cast
    {{ value_problem('source_value', 'source_raw', 'compare_as', 'source_column') }} as source_problem,
    {{ value_problem('target_value', 'target_raw', 'compare_as', 'target_column') }} as target_problem,
    source_raw,
    target_raw,

    ----------  values as compared (references in the target's ids)
    case
        when compare_as = 'reference' then source_reference
        else {{ sync_canonical('source_value', 'compare_as', 'source_country') }}
    end as source_canonical,
    case
        when compare_as = 'reference' then target_value
        else {{ sync_canonical('target_value', 'compare_as', 'target_country') }}
    end as target_canonical,

    ----------  values as they would be written to the other side
    case
        when compare_as = 'reference' then source_reference
        else {{ sync_written('source_value', 'compare_as', 'source_country') }}
    end as source_for_target,
    case
        when compare_as = 'reference' then target_reference
        else {{ sync_written('target_value', 'compare_as', 'target_country') }}
    end as target_for_source,

    -- A reference to a record that is not linked (yet) cannot be compared or written.
    (compare_as <> 'reference' or source_value is null or source_reference is not null) as is_source_known,
    (compare_as <> 'reference' or target_value is null or target_reference is not null) as is_target_known,

    ----------  timestamps
    source_modified_at,
    target_modified_at

from resolved
{%- else %}
nothing as (select 1 as n)
select
    cast(null as integer) as flow_id
from nothing
where 1 = 0
{%- endif %}
