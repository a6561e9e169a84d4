{#-
    The records a sync plan links to a twin instead of creating them (int_sync__creates reads them, one model per
    level of the chain: int_sync__twins_<level>). Each level's matching is a model of its own, reading the levels
    before it as tables: planned as CTEs of int_sync__creates, the database bound the whole matching once per
    reference to it (a minute per build).

    Level 1: a record of a later flow into a target another flow creates in too (flows 1 and 4: Custom CRM
    customers) matched against the earlier flows' creates, with the match keys of the records they are made from,
    beside what the target holds. Level n > 1: the records the plan creates down the chain (the level's
    skeleton: plan_key and the record its chain starts from, no values) matched against what their target holds,
    with that root record's match keys, beside the records the flow's source holds. Both under the flow's
    deterministic rules (link_candidates): a pair proposed there is a twin; anything else is left to the plan's
    checks (a record sharing a key with a target record waits for the next round's whole matching).

    Each row also names the two records a system holds that the link makes one: the record the planned side is
    made from (root_flow_id's source, root_id) and the twin (twin_flow_id's twin_side, twin_id); the merge puts them
    in one identity cluster in this plan (macros/sync.sql clusters_with_planned).
-#}
{% macro sync_twins(level) -%}
{{ sync_depends_on() }}
-- depends_on: {{ ref('int_sync__open_records') }}
-- depends_on: {{ ref('link_review') }}
-- depends_on: {{ ref('int_shared_emails') }}
-- depends_on: {{ ref('int_shared_names') }}
-- depends_on: {{ ref('int_given_name_pairs') }}
-- depends_on: {{ ref('link_overrides') }}
{%- for kind in declared_flows() | selectattr('probabilistic') | map(attribute='kind') | unique %}
-- depends_on: {{ ref('int_match_scores__' ~ kind) }}
-- depends_on: {{ ref('int_match_settled__' ~ kind) }}
{%- endfor %}
{%- for side in match_key_sides() %}
-- depends_on: {{ ref('int_' ~ side ~ '__match_keys') }}
{%- endfor %}
{%- for earlier in range(1, level) %}
-- depends_on: {{ ref('int_sync__twins_' ~ earlier) }}
{%- endfor %}
{%- set flows = sync_flows() | rejectattr('target_system', 'in', var('switched_off')) | list %}
{%- set text = dbt.type_string() %}
{%- set sides = match_key_sides() %}
{%- set chains = sync_chains(flows) %}
{%- set later_flows = twin_flows(flows, chains, 1, pairs=true) if level == 1 else [] %}
{%- set matched = twin_flows(flows, chains, level) %}

with

open_records as (

    select * from {{ ref('int_sync__open_records') }}

),

links as (

    {{ active_links() }}

),

{% if level == 1 and matched -%}
planned_targets_1 as {{ cte_materialized() }} (

    {%- for later, earlier in later_flows %}
    {%- set outer = loop %}
    {%- for e in earlier %}
    {% if not (outer.first and loop.first) %}union all{% endif %}
    select
        {{ later.flow_id }} as flow_id,
        'create:{{ e.flow_id }}:' || creates.source_id as planned_id,
        {{ e.flow_id }} as root_flow_id,
        creates.source_id as root_id,
        k.*
    from (select source_id from open_records where flow_id = {{ e.flow_id }}) as creates
    inner join {{ ref('int_' ~ e.source_system ~ '__' ~ e.source_entity ~ '__match_keys') }} as k
        on k.record_id = creates.source_id
    where creates.source_id not in (
            select source_id from {{ ref('link_review') }}
            where flow_id = {{ e.flow_id }} and match_rule = 'probabilistic'
        )
        and 'create:{{ e.flow_id }}:' || creates.source_id not in (select plan_key from {{ refused_creates() }})
    {%- endfor %}
    {%- endfor %}
    {%- if not later_flows %}
    select
        cast(null as integer) as flow_id,
        cast(null as {{ text }}) as planned_id,
        cast(null as integer) as root_flow_id,
        cast(null as {{ text }}) as root_id
    where 1 = 0
    {%- endif %}

),

{%- for later, earlier in later_flows %}
{{ link_candidates(later.flow_id, planned_targets='planned_targets_1', prefix='twins_1_' ~ later.flow_id) }},
{%- endfor %}

adopted as (

    {%- for later, earlier in later_flows %}
    {% if not loop.first %}union all{% endif %}
    select
        {{ later.flow_id }} as flow_id,
        c.source_id,
        c.target_id,
        c.match_rule,
        planned.root_flow_id,
        planned.root_id,
        {{ later.flow_id }} as twin_flow_id,
        'source' as twin_side,
        c.source_id as twin_id
    from twins_1_{{ later.flow_id }}__out as c
    inner join (
        select distinct planned_id, root_flow_id, root_id from planned_targets_1 where flow_id = {{ later.flow_id }}
    ) as planned
        on planned.planned_id = c.target_id
    where c.is_proposed
        and c.source_id in (select source_id from open_records where flow_id = {{ later.flow_id }})
    {%- endfor %}
    {%- if not later_flows %}
    {{ no_twins() }}
    {%- endif %}

)
{%- elif matched -%}
{#- The level's records and their chain's root, without their values (what the matching of level {{ level }} needs;
    it reads none of the values, so it does not wait for them). #}
{%- for at in range(2, level + 1) %}
skeleton_{{ at }} as {{ cte_materialized() }} (

    select
        pairs.flow_id,
        'create:' || cast(pairs.from_flow_id as {{ text }}) || ':' || upstream.source_id as source_id,
        {{ 'upstream.flow_id' if at == 2 else 'upstream.root_flow_id' }} as root_flow_id,
        upstream.root_system,
        upstream.root_entity,
        upstream.root_id
    from {{ 'open_records' if at == 2 else 'skeleton_' ~ (at - 1) }} as upstream
    inner join (
        {%- for f, g in chains[at - 2] %}
        {% if not loop.first %}union all {% endif %}select {{ f.flow_id }} as from_flow_id, {{ g.flow_id }} as flow_id
        {%- endfor %}
    ) as pairs
        on pairs.from_flow_id = upstream.flow_id
    where not exists (
        select 1 from {{ ref_twins(at - 1) }} as twins
        where twins.flow_id = upstream.flow_id and twins.source_id = upstream.source_id
    )

),

{% endfor %}
{#- The level's records with the match keys of their chain's root, for the matching of their flows. #}
planned_{{ level }} as {{ cte_materialized() }} (

    {%- for side in sides %}
    {%- set system, entity = side.split('__') %}
    {% if not loop.first %}union all{% endif %}
    select c.flow_id, c.source_id as planned_id, c.root_flow_id, c.root_id, k.*
    from skeleton_{{ level }} as c
    inner join {{ ref('int_' ~ side ~ '__match_keys') }} as k
        on k.record_id = c.root_id
    where c.root_system = '{{ system }}' and c.root_entity = '{{ entity }}'
    {%- endfor %}

),

{#- The level's records the flow's deterministic rules pair with one target record (not linked in the flow, nor
    paired at an earlier level): linked to it rather than created. #}
{%- set matched = twin_flows(flows, chains, level) %}
{%- for g in matched %}
{{ link_candidates(g.flow_id, planned_sources='planned_' ~ level, prefix='twins_' ~ level ~ '_' ~ g.flow_id) }},
{%- endfor %}

adopted as (

    {%- for g in matched %}
    {% if not loop.first %}union all{% endif %}
    select
        {{ g.flow_id }} as flow_id,
        c.source_id,
        c.target_id,
        c.match_rule,
        planned.root_flow_id,
        planned.root_id,
        {{ g.flow_id }} as twin_flow_id,
        'target' as twin_side,
        c.target_id as twin_id
    from twins_{{ level }}_{{ g.flow_id }}__out as c
    inner join (
        select distinct planned_id, root_flow_id, root_id from planned_{{ level }} where flow_id = {{ g.flow_id }}
    ) as planned
        on planned.planned_id = c.source_id
    where c.is_proposed
        and c.target_id not in (select target_id from links where flow_id = {{ g.flow_id }})
        {%- for earlier in range(2, level) %}
        and c.target_id not in (select target_id from {{ ref_twins(earlier) }} where flow_id = {{ g.flow_id }})
        {%- endfor %}
    {%- endfor %}
    {%- if not matched %}
    {{ no_twins() }}
    {%- endif %}

)
{%- else -%}
adopted as (

    {{ no_twins() }}

)
{%- endif %}

select flow_id, source_id, target_id, match_rule, root_flow_id, root_id, twin_flow_id, twin_side, twin_id
from adopted
{%- endmacro %}


{#- The twins models' columns with no rows: a level (or level 1's later flows) with nothing to match. -#}
{% macro no_twins() -%}
    {%- set text = dbt.type_string() -%}
    select
        cast(null as integer) as flow_id,
        cast(null as {{ text }}) as source_id,
        cast(null as {{ text }}) as target_id,
        cast(null as {{ text }}) as match_rule,
        cast(null as integer) as root_flow_id,
        cast(null as {{ text }}) as root_id,
        cast(null as integer) as twin_flow_id,
        cast(null as {{ text }}) as twin_side,
        cast(null as {{ text }}) as twin_id
    where 1 = 0
{%- endmacro %}


{#- The chain, known when the model compiles: level 1 is every flow; level n + 1 the flows (G) whose source is the
    target of a flow (F) of level n, as (F, G) pairs per level from 2 on. A flow with a source filter is not
    followed (the filter reads columns a record not created yet does not have), nor a side without match keys (it
    could not be checked for a twin). -#}
{% macro sync_chains(flows) -%}
{%- set sides = match_key_sides() %}
{%- set levels = [flows | map(attribute='flow_id') | list] %}
{%- set chains = [] %}
{%- for _ in flows if levels[-1] %}
    {%- set pairs = [] %}
    {%- for g in flows if not g.source_filter
        and (g.target_system ~ '__' ~ g.target_entity in sides or g.match_rule == 'none') %}
        {%- for f in flows if f.flow_id in levels[-1]
            and f.target_system == g.source_system and f.target_entity == g.source_entity %}
            {%- do pairs.append((f, g)) %}
        {%- endfor %}
    {%- endfor %}
    {%- do chains.append(pairs) %}
    {%- do levels.append(pairs | map(attribute=1) | map(attribute='flow_id') | unique | list) %}
{%- endfor %}
{{ return(chains) }}
{%- endmacro %}


{#- The flows whose records of this level are matched for twins (none of kind deal): level 1, each flow into a
    target an earlier flow (lower flow_id, source with match keys) creates in too (pairs: with those earlier
    flows); level n > 1, the flows of that level of the chain. -#}
{% macro twin_flows(flows, chains, level, pairs=false) -%}
{%- set deals = declared_flows() | selectattr('kind', 'equalto', 'deal') | map(attribute='flow_id') | list %}
{%- set found = [] %}
{%- if level == 1 %}
    {%- for later in flows if later.flow_id not in deals %}
        {%- set earlier = [] %}
        {%- for e in flows if e.flow_id < later.flow_id and e.target_system == later.target_system
            and e.target_entity == later.target_entity
            and e.source_system ~ '__' ~ e.source_entity in match_key_sides() %}
            {%- do earlier.append(e) %}
        {%- endfor %}
        {%- if earlier %}{% do found.append((later, earlier) if pairs else later) %}{% endif %}
    {%- endfor %}
{%- elif level <= chains | length + 1 and chains[level - 2] %}
    {%- for g in chains[level - 2] | map(attribute=1) | unique(attribute='flow_id') if g.flow_id not in deals %}
        {%- do found.append(g) %}
    {%- endfor %}
{%- endif %}
{{ return(found) }}
{%- endmacro %}


{#- The twins model of a level of the chain; a chain longer than the models there are stops the build. -#}
{% macro ref_twins(level) -%}
{%- if level > 3 -%}
    {{ exceptions.raise_compiler_error(
        "the chain of flows has " ~ level ~ " levels: add models/intermediate/sync/int_sync__twins_" ~ level
        ~ ".sql ({{ sync_twins(" ~ level ~ ") }})"
    ) }}
{%- endif -%}
{{ return(ref('int_sync__twins_' ~ level)) }}
{%- endmacro %}
