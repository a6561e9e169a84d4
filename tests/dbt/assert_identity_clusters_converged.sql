{#- Every active link joins two records of one identity cluster; a link between two clusters means the label
    propagation needs more rounds (var identity_cluster_rounds). -#}
{{ config(tags=['guard']) }}  {#- checked before every round's push (sync/rounds.py) #}
{%- for flow_name in link_flow_names() %}
select l.link_id, l.flow_id
from {{ ref('link_' ~ flow_name) }} as l
inner join {{ ref('identity_clusters') }} as s
    on s.system = l.source_system and s.entity = l.source_entity and s.record_id = l.source_id
inner join {{ ref('identity_clusters') }} as t
    on t.system = l.target_system and t.entity = l.target_entity and t.record_id = l.target_id
where l.is_active and s.cluster_id <> t.cluster_id
{% if not loop.last %}union all{% endif %}
{%- endfor %}
