{#- The source records each flow has not linked, active or closed (and not deleted): the ones it may create,
    each the root of its chain (int_sync__creates, int_sync__twins_<n>). -#}
{{ sync_depends_on() }}
{%- set flows = sync_flows() | rejectattr('target_system', 'in', var('switched_off')) | list %}
{%- set text = dbt.type_string() %}
{%- if flows %}
{%- for flow in flows %}
{%- set src = flow_side(flow.source_system ~ '__' ~ flow.source_entity, with_keys=false) %}
{% if not loop.first %}union all{% endif %}
select
    {{ flow.flow_id }} as flow_id,
    cast(s.{{ src.id }} as {{ text }}) as source_id,
    '{{ flow.source_system }}' as root_system,
    '{{ flow.source_entity }}' as root_entity,
    cast(s.{{ src.id }} as {{ text }}) as root_id
from {{ src.staging }} as s
where {{ flow_filter(flow, 's') }}
    and cast(s.{{ src.id }} as {{ text }}) not in (
        select source_id from {{ ref('link_' ~ flow.flow_name) }}
    )
    and cast(s.{{ src.id }} as {{ text }}) not in (
        select cast({{ src.id }} as {{ text }}) from {{ src.deleted }}
    )
{%- endfor %}
{%- else %}
select
    cast(null as integer) as flow_id,
    cast(null as {{ text }}) as source_id,
    cast(null as {{ text }}) as root_system,
    cast(null as {{ text }}) as root_entity,
    cast(null as {{ text }}) as root_id
where 1 = 0
{%- endif %}
