{#-
    Candidate pairs the matching did not link and a person should look at: the key is shared by several records
    on a side (customers sharing one mailbox), the key matched but nothing else agreed, a record had several
    equally good candidates, or the probabilistic score is in the review band (with its evidence in match_key). Only pairs whose two records are both still unlinked in the flow, in enabled flows,
    and not forbidden by seeds/link_overrides.csv. One row per pair, under its strongest rule, or under its
    probabilistic score where it has one (a pair whose names agree but whose postcodes differ is a review-band pair
    first: its create waits).
-#}

with

{%- for flow_name in link_flow_names() %}

candidates_{{ loop.index }} as (

    select
        c.flow_id,
        c.source_id,
        c.target_id,
        c.match_rule,
        c.rule_rank,
        c.link_key,
        c.source_key_count,
        c.target_key_count,
        c.is_corroborated,
        c.is_linkable,
        c.match_weight,
        c.match_probability
    from {{ ref('int_pairs__' ~ flow_name) }} as c
    where not exists (
            select 1 from {{ ref('link_' ~ flow_name) }} as l
            where l.is_active and l.source_id = c.source_id
        )
        and not exists (
            select 1 from {{ ref('link_' ~ flow_name) }} as l
            where l.is_active and l.target_id = c.target_id
        )

),
{%- endfor %}

candidates as (

    {%- for flow_name in link_flow_names() %}
    select * from candidates_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

ranked as (

    select
        candidates.*,
        {#- A pair the probabilistic matching scored shows under its score: that is the evidence a person decides
            on, and a probabilistic row is what holds the source record's create back (int_sync__creates). #}
        row_number() over (
            partition by flow_id, source_id, target_id
            order by case when match_rule = 'probabilistic' then 0 else 1 end, rule_rank
        ) as rank_in_pair
    from candidates

),

flows as (

    select * from {{ ref('flows') }}

),

forbidden as (

    select flow_id, cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(target_id as {{ dbt.type_string() }}) as target_id
    from {{ ref('link_overrides') }}
    where action = 'forbid'

)

select

    ----------  ids
    {{ dbt.hash(dbt.concat(["cast(ranked.flow_id as " ~ dbt.type_string() ~ ")", "'|'", 'ranked.source_id', "'|'", 'ranked.target_id'])) }}
        as review_id,
    ranked.flow_id,
    flows.flow_name,

    ----------  the pair
    flows.source_system,
    flows.source_entity,
    ranked.source_id,
    flows.target_system,
    flows.target_entity,
    ranked.target_id,

    ----------  why it is here
    ranked.match_rule,
    ranked.link_key as match_key,
    ranked.source_key_count,
    ranked.target_key_count,
    case
        when ranked.match_rule = 'probabilistic' and (ranked.source_key_count > 1 or ranked.target_key_count > 1)
            then 'competing_candidates'
        when ranked.match_rule = 'probabilistic' then 'review_band'
        when ranked.source_key_count > 1 or ranked.target_key_count > 1 then 'key_shared'
        when not ranked.is_corroborated then 'not_corroborated'
        else 'competing_candidates'
    end as review_reason,
    ranked.match_weight,
    ranked.match_probability,

    ----------  timestamps
    {{ run_timestamp() }} as listed_at

from ranked
inner join flows on flows.flow_id = ranked.flow_id
where ranked.rank_in_pair = 1
    and flows.enabled
    and not exists (
        select 1 from forbidden
        where forbidden.flow_id = ranked.flow_id
            and forbidden.source_id = ranked.source_id
            and forbidden.target_id = ranked.target_id
    )
