{#-
    Identity clusters: the records that the active links of all flows join, directly or through other records,
    are one real-world thing (connected components of the link graph). A record is named
    `<system>:<entity>:<id>`; the cluster takes the smallest such name among its records as its anchor.

    Portable min-label propagation: each round every record takes the smallest label among itself and its
    neighbours, for var('identity_cluster_rounds') rounds (default 12, unrolled into CTEs). A cluster needs as
    many rounds as its longest shortest path; CRM link graphs are shallow (a company is at most four links from
    any of its other records across the 14 flows). The singular test assert_identity_clusters_converged fails
    if a link still joins two clusters, i.e. the rounds were too few.
-#}
{%- set rounds = var('identity_cluster_rounds', 12) | int -%}

with

links as (

    {%- for flow_name in link_flow_names() %}
    select source_system, source_entity, source_id, target_system, target_entity, target_id
    from {{ ref('link_' ~ flow_name) }}
    where is_active
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

edges as (

    select
        {{ dbt.concat(['source_system', "':'", 'source_entity', "':'", 'source_id']) }} as node,
        {{ dbt.concat(['target_system', "':'", 'target_entity', "':'", 'target_id']) }} as neighbour
    from links

),

adjacent as (

    select node, neighbour from edges
    union
    select neighbour as node, node as neighbour from edges

),

nodes as (

    select distinct node from adjacent

),

reach as (

    select node, node as neighbour from nodes
    union all
    select node, neighbour from adjacent

),

label_0 as (

    select node, node as label from nodes

),

{%- for round in range(1, rounds + 1) %}

label_{{ round }} as (

    select reach.node, min(label_{{ round - 1 }}.label) as label
    from reach
    inner join label_{{ round - 1 }} on label_{{ round - 1 }}.node = reach.neighbour
    group by reach.node

),
{%- endfor %}

records as (

    {%- for flow_name in link_flow_names() %}
    select
        {{ dbt.concat(['source_system', "':'", 'source_entity', "':'", 'source_id']) }} as node,
        source_system as system,
        source_entity as entity,
        source_id as record_id
    from {{ ref('link_' ~ flow_name) }}
    where is_active
    union
    select
        {{ dbt.concat(['target_system', "':'", 'target_entity', "':'", 'target_id']) }} as node,
        target_system as system,
        target_entity as entity,
        target_id as record_id
    from {{ ref('link_' ~ flow_name) }}
    where is_active
    {% if not loop.last %}union{% endif %}
    {%- endfor %}

),

clustered as (

    select
        records.node,
        records.system,
        records.entity,
        records.record_id,
        final.label as cluster_anchor
    from records
    inner join label_{{ rounds }} as final on final.node = records.node

)

select

    ----------  ids
    {{ dbt.hash('cluster_anchor') }} as cluster_id,
    node as record_key,

    ----------  the record
    system,
    entity,
    record_id,

    ----------  the cluster
    cluster_anchor,
    count(*) over (partition by cluster_anchor) as cluster_size

from clustered
