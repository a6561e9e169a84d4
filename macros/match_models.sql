{#-
    The bodies of the probabilistic matching models (models/intermediate/matching/), one model per kind of record
    (person, company) holding all of its flows, flow_id a column. The comparisons, blocking rules and thresholds
    are in macros/fellegi_sunter.sql.

      int_match_blocked__<kind>        the blocked candidate pairs, ids only: blocking runs once per run, and the
                                       pairs to score and EM's sample are both taken from it
      int_match_settled__<kind>        the candidates of the exact rules before the probabilistic one and the
                                       records they settle (the flows' candidate models read them back)
      int_match_pairs__<kind>          the blocked pairs to score and their comparison levels (records settled
                                       before the probabilistic rule left out: it never pairs them)
      int_match_random_pairs__<kind>   random pairs (a hash sample of each side) and their levels: u
      int_match_parameters__<kind>     m by EM over the blocked pairs, u from the random pairs, the weights
      int_match_scores__<kind>         every blocked pair's match weight, probability and evidence
-#}

{#- The records of every flow of a kind, both sides (CTEs sources_<flow_id>, targets_<flow_id>). -#}
{% macro _match_flow_ctes(kind) -%}
    {%- for flow_id, sides in matching_flows(kind).items() %}
    {%- set flow = flow_config(flow_id) %}

sources_{{ flow_id }} as {{ cte_materialized() }} (
    {{ flow_records(sides[0], flow.get('source_filter')) }}
),

targets_{{ flow_id }} as {{ cte_materialized() }} (
    {{ flow_records(sides[1], none) }}
),
    {%- endfor %}
{%- endmacro %}


{% macro _tf_columns(kind) -%}
    {{ return(match_comparisons(kind) | selectattr('tf', 'defined') | map(attribute='tf') | list) }}
{%- endmacro %}


{#- The blocked pairs of every flow of a kind that are read (blocked_pairs): ids, the first rule that paired them,
    whether both records are open (no rule before the probabilistic one settled them, int_match_settled__<kind>:
    the pairs to score) and whether the source is in EM's sample (match_em_records()). -#}
{% macro match_blocked(kind) -%}
{%- set flows = matching_flows(kind) -%}
with
{%- for flow_id, sides in flows.items() %}

{#- A record an earlier run linked by the probabilistic rule is scored still, as that run scored it: it rivals the
    open records as it did then (link_candidates), so a run on unchanged data links what the one before did. #}
settled_{{ flow_id }} as {{ cte_materialized() }} (
    select source_id, target_id from {{ ref('int_match_settled__' ~ kind) }}
    where flow_id = {{ flow_id }} and is_settled
        and not (rule_rank = 0 and coalesce(match_rule = 'probabilistic', false))
),

sources_{{ flow_id }} as {{ cte_materialized() }} (
    select
        records.*,
        settled.source_id is null as is_open,
        sampled.record_id is not null as is_em_sample
    from ({{ flow_records(sides[0], flow_config(flow_id).get('source_filter')) }}) as records
    {#- Joins, not `[not] in (subquery)`: PostgreSQL hashes such a subquery only while it fits in work_mem, and
        scans it once per record beyond that (quadratic at 1M records). #}
    left join (select distinct source_id from settled_{{ flow_id }}) as settled
        on settled.source_id = records.record_id
    left join (
        select distinct record_id from (
            select record_id from ({{ flow_records(sides[0], flow_config(flow_id).get('source_filter')) }}) as all_records
            order by {{ dbt.hash('record_id') }}
            limit {{ match_em_records() }}
        ) as first_by_hash
    ) as sampled
        on sampled.record_id = records.record_id
),

targets_{{ flow_id }} as {{ cte_materialized() }} (
    select records.*, settled.target_id is null as is_open
    from ({{ flow_records(sides[1], none) }}) as records
    left join (select distinct target_id from settled_{{ flow_id }}) as settled
        on settled.target_id = records.record_id
),
{%- endfor %}

all_pairs as (
    {%- for flow_id in flows %}
    select {{ flow_id }} as flow_id, source_id, target_id, blocked_by, is_open, is_em_sample
    from ({{ blocked_pairs(kind, 'sources_' ~ flow_id, 'targets_' ~ flow_id) }}) as blocked_{{ flow_id }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from all_pairs
{%- endmacro %}


{#- The candidates of the rules before the probabilistic one of every flow of a kind, and the records they and
    the runs before settle (link_candidates, settled_only). -#}
{% macro match_settled(kind) -%}
{%- for flow_id in matching_flows(kind) %}
select *
from ({{ link_candidates(flow_id, settled_only=true) }}) as settled_{{ flow_id }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}


{% macro match_pairs(kind) -%}
{%- set flows = matching_flows(kind) -%}
with
{{ _match_flow_ctes(kind) }}
{%- for flow_id in flows %}
{%- for column in _tf_columns(kind) %}

{#- How often each value is held, over both sides of the flow. #}
tf_{{ flow_id }}_{{ column }} as (
    select value, {{ double('count(*)') }} / sum(count(*)) over () as frequency
    from (
        select {{ column }} as value from sources_{{ flow_id }}
        union all
        select {{ column }} as value from targets_{{ flow_id }}
    ) as held
    where value is not null
    group by value
),
{%- endfor %}


pairs_{{ flow_id }} as (
    select
        {{ flow_id }} as flow_id,
        b.source_id,
        b.target_id,
        b.blocked_by,
        {{ comparison_levels(kind) }},
        {%- for column in _tf_columns(kind) %}
        case when s.{{ column }} = t.{{ column }} then tf_{{ column }}.frequency end as tf_{{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_match_blocked__' ~ kind) }} as b
    inner join sources_{{ flow_id }} as s on s.record_id = b.source_id
    inner join targets_{{ flow_id }} as t on t.record_id = b.target_id
    {%- for column in _tf_columns(kind) %}
    left join tf_{{ flow_id }}_{{ column }} as tf_{{ column }} on tf_{{ column }}.value = s.{{ column }}
    {%- endfor %}
    {#- Only pairs of two open records: an earlier run linked, an override forced, the push created or an exact
        rule of this run linked the others (int_match_settled__<kind>), and the probabilistic rule never pairs
        them (link_candidates). #}
    where b.flow_id = {{ flow_id }} and b.is_open
),
{%- endfor %}

all_pairs as (
    {%- for flow_id in flows %}
    select * from pairs_{{ flow_id }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from all_pairs
{%- endmacro %}


{#- Random pairs for u: up to match_u_sample() records of each side (the first by a hash of their id, so the sample
    is the same every run and spread over the whole table), every pair of them. -#}
{% macro match_random_pairs(kind) -%}
{%- set flows = matching_flows(kind) -%}
with
{{ _match_flow_ctes(kind) }}
{%- for flow_id in flows %}
{%- for role in ['source', 'target'] %}

{{ role }}_sample_{{ flow_id }} as (
    select *
    from {{ role }}s_{{ flow_id }}
    order by {{ dbt.hash('record_id') }}
    limit {{ match_u_sample() }}
),
{%- endfor %}

random_{{ flow_id }} as (
    select
        {{ flow_id }} as flow_id,
        (select count(*) from sources_{{ flow_id }}) as source_records,
        (select count(*) from targets_{{ flow_id }}) as target_records,
        {{ comparison_levels(kind) }}
    from source_sample_{{ flow_id }} as s
    cross join target_sample_{{ flow_id }} as t
),
{%- endfor %}

all_pairs as (
    {%- for flow_id in flows %}
    select * from random_{{ flow_id }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from all_pairs
{%- endmacro %}


{#- Pairs as one row per (pair, comparison) with a level: what the estimation counts. `skip`: comparisons left
    out (a training session's own, which its pairs agree on by construction). -#}
{% macro _unpivot_levels(kind, relation, ids, where='true', skip=[]) -%}
    {%- for comparison in match_comparisons(kind) if comparison.name not in skip %}
    select flow_id, {{ ids }}'{{ comparison.name }}' as comparison, gamma_{{ comparison.name }} as level
    from {{ relation }}
    where gamma_{{ comparison.name }} >= 0 and {{ where }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- A pair's levels as one number, a decimal digit per comparison (its level + 1: 0 where a record lacks the
    field), so pairs of one pattern weigh the same. -#}
{% macro _level_pattern(kind) -%}
    {%- set parts = [] -%}
    {%- for comparison in match_comparisons(kind) -%}
        {%- if comparison.levels | length > 9 -%}
            {{ exceptions.raise_compiler_error('_level_pattern: more than 9 levels in ' ~ comparison.name) }}
        {%- endif -%}
        {%- do parts.append('cast(gamma_' ~ comparison.name ~ ' + 1 as ' ~ dbt.type_bigint() ~ ') * '
            ~ (10 ** loop.index0)) -%}
    {%- endfor -%}
    {{ return(parts | join(' + ')) }}
{%- endmacro %}


{#- The condition that a pair agrees exactly (its top level) on each of the comparisons named. -#}
{% macro _agrees_exactly(kind, names) -%}
    {%- set parts = [] -%}
    {%- for comparison in match_comparisons(kind) if comparison.name in names -%}
        {%- do parts.append('gamma_' ~ comparison.name ~ ' = ' ~ (comparison.levels | length - 1)) -%}
    {%- endfor -%}
    {{ return(parts | join(' and ') or 'true') }}
{%- endmacro %}


{#-
    m and u per flow, comparison and level, and the prior, estimated from the flow's own records, as
    match_training(kind) in macros/fellegi_sunter.sql says:
      u   the share of random pairs (int_match_random_pairs__<kind>) at the level: what chance agreement looks like
          (at least 1 / the sampled pairs: a level the sample never shows is rare, not impossible);
      m   the share of matching pairs at the level, by expectation maximisation over the blocked pairs (a hash
          sample of match_em_pairs() where a flow has more, drawn from the blocking keys: int_match_pairs__<kind>
          holds only the pairs still to score), one EM per training session: the sampled pairs that agree exactly
          on the session's comparisons, which that session leaves out (Splink's training blocks). Each iteration
          scores every pair with the current m, u and the session's share of matches, lets a record's pairs
          expect one match at most between them (a record is one thing), then sets m to the levels' shares among
          the pairs weighted by their match probability.
          u stays the random pairs' (`u: random`) or is re-estimated among the blocked pairs (`u: blocked`, which
          agree on their blocking keys more than random pairs do, so EM separates the two classes there). A
          comparison's m pools the expected matches of every session that estimates it;
      prior  the expected number of matches over all possible pairs of the flow: the sum of the last iteration's
          probabilities (`prior: em`, one session over all blocked pairs), or (`prior: one_to_one`) from the final
          m and u, each record counting at most its best pair (a record is one thing on the other side, however
          many branches and namesakes its blocks hold), at most the smaller side's records.
    Each estimate is smoothed towards the starting values in macros/fellegi_sunter.sql with the weight of
    match_prior_pairs() pairs, so a level no pair has shows no infinite weight and a tiny flow still scores.
-#}
{% macro match_parameters(kind) -%}
{%- set flow_ids = matching_flows(kind).keys() | list -%}
{%- set training = match_training(kind) -%}
{%- set prior = match_prior_pairs() -%}
{%- set iterations = match_em_iterations() -%}
{%- set random_pairs = ref('int_match_random_pairs__' ~ kind) -%}
{%- set estimated = [] -%}
{%- for session in training.sessions -%}
    {%- set session_id = loop.index -%}
    {%- for comparison in match_comparisons(kind) if comparison.name not in session -%}
        {%- do estimated.append("(" ~ session_id ~ ", '" ~ comparison.name ~ "')") -%}
    {%- endfor -%}
{%- endfor -%}
with
{{ _match_flow_ctes(kind) }}

levels as (
    {{ comparison_level_rows(kind) }}
),

grid as (
    select flows.flow_id, levels.*
    from (select * from (values ({{ flow_ids | join('), (') }})) as f (flow_id)) as flows
    cross join levels
),

{#- Per training session, the levels it estimates. #}
session_grid as (
    select sessions.session, grid.*
    from grid
    inner join (select * from (values {{ estimated | join(', ') }}) as s (session, comparison)) as sessions
        on sessions.comparison = grid.comparison
),

random_levels as (
    {{ _unpivot_levels(kind, random_pairs, '') }}
),

random_counts as (
    select flow_id, comparison, level, count(*) as pairs
    from random_levels
    group by flow_id, comparison, level
),

u as (
    select flow_id, comparison, level, greatest(u, {{ double(1) }} / (sampled + {{ prior }})) as u
    from (
        select
            grid.flow_id,
            grid.comparison,
            grid.level,
            (coalesce(c.pairs, 0) + {{ prior }} * grid.u_start)
                / (coalesce(sum(c.pairs) over (partition by grid.flow_id, grid.comparison), 0) + {{ prior }}) as u,
            coalesce(sum(c.pairs) over (partition by grid.flow_id, grid.comparison), 0) as sampled
        from grid
        left join random_counts as c
            on c.flow_id = grid.flow_id and c.comparison = grid.comparison and c.level = grid.level
    ) as estimated
),

{#- The pairs EM learns from: the blocked pairs of EM's sample of source records (int_match_blocked__<kind>,
    is_em_sample: settled records too; all of a flow's records up to match_em_records()), or a hash sample of
    match_em_pairs() of them, taken from the ids before any comparison is computed, so EM costs the same however
    many pairs a flow has. The flow's blocked pairs are counted from the sample's, scaled by the share of sources
    sampled (exact up to match_em_records() records). #}
{%- for flow_id in flow_ids %}

em_pairs_{{ flow_id }} as (
    select {{ flow_id }} as flow_id, sampled.source_id, sampled.target_id, sampled.blocked_pairs,
        {{ comparison_levels(kind) }}
    from (
        select
            source_id,
            target_id,
            cast(round(
                (select count(*) from {{ ref('int_match_blocked__' ~ kind) }}
                    where flow_id = {{ flow_id }} and is_em_sample)
                * (1.0 * source_records.n / least(source_records.n, {{ match_em_records() }}))
            ) as {{ dbt.type_bigint() }}) as blocked_pairs
        from {{ ref('int_match_blocked__' ~ kind) }}
        cross join (select count(*) as n from sources_{{ flow_id }}) as source_records
        where flow_id = {{ flow_id }} and is_em_sample
        order by {{ dbt.hash(dbt.concat(['source_id', "'|'", 'target_id'])) }}
        limit {{ match_em_pairs() }}
    ) as sampled
    inner join sources_{{ flow_id }} as s on s.record_id = sampled.source_id
    inner join targets_{{ flow_id }} as t on t.record_id = sampled.target_id
),
{%- endfor %}

{#- The sampled pairs, with integer record numbers (what the one-to-one step partitions by) and their pattern: the
    combination of their levels as one number. A pair's weight depends on its pattern only, so EM weighs the
    patterns (a few thousand) and not every pair's levels one by one. #}
em_pairs as {{ cte_materialized() }} (
    select
        flow_id,
        blocked_pairs,
        dense_rank() over (partition by flow_id order by source_id) as source_no,
        dense_rank() over (partition by flow_id order by target_id) as target_no,
        {{ _level_pattern(kind) }} as pattern,
        {%- for comparison in match_comparisons(kind) %}
        gamma_{{ comparison.name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        {%- for flow_id in flow_ids %}
        select * from em_pairs_{{ flow_id }}
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ) as sampled
),

patterns as {{ cte_materialized() }} (
    select flow_id, pattern, {% for c in match_comparisons(kind) %}gamma_{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %}
    from em_pairs
    group by flow_id, pattern, {% for c in match_comparisons(kind) %}gamma_{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %}
),

{#- Per session, the pairs that agree exactly on its comparisons, and their patterns' levels without those. #}
session_pairs as {{ cte_materialized() }} (
    {%- for session in training.sessions %}
    select {{ loop.index }} as session, flow_id, source_no, target_no, pattern
    from em_pairs
    where {{ _agrees_exactly(kind, session) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

pattern_levels as {{ cte_materialized() }} (
    {%- for session in training.sessions %}
    select {{ loop.index }} as session, *
    from (
        {{ _unpivot_levels(kind, 'patterns', 'pattern, ', _agrees_exactly(kind, session), session) }}
    ) as session_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

em_0 as (
    select
        g.flow_id, g.session, g.comparison, g.level, g.m_start as m, u.u as u_blocked,
        {{ double(0.1) }} as match_share
    from session_grid as g
    inner join u on u.flow_id = g.flow_id and u.comparison = g.comparison and u.level = g.level
),
{%- for i in range(1, iterations + 1) %}

pattern_weights_{{ i }} as (
    select
        pl.flow_id,
        pl.session,
        pl.pattern,
        sum(ln(e.m / e.u_blocked)) + ln(max(e.match_share) / (1.0 - max(e.match_share))) as w
    from pattern_levels as pl
    inner join em_{{ i - 1 }} as e
        on e.flow_id = pl.flow_id and e.session = pl.session and e.comparison = pl.comparison
        and e.level = pl.level
    group by pl.flow_id, pl.session, pl.pattern
),

{#- A record is one thing, so it matches at most one record of the other side: where a record's pairs expect
    more than one match between them, they share one. Without this, records that agree on much but the fields
    that tell them apart (colleagues at one work address, a household) pile up into a "match" class of their own. #}
scored_{{ i }} as {{ cte_materialized() }} (
    select
        sp.flow_id,
        sp.session,
        sp.source_no,
        sp.target_no,
        sp.pattern,
        1.0 / (1.0 + exp(-least(greatest(pw.w, -50.0), 50.0))) as p
    from session_pairs as sp
    inner join pattern_weights_{{ i }} as pw
        on pw.flow_id = sp.flow_id and pw.session = sp.session and pw.pattern = sp.pattern
),

{#- (The records' sums are grouped and joined back: cheaper than windows over the pairs.) #}
probability_{{ i }} as {{ cte_materialized() }} (
    select
        scored.flow_id,
        scored.session,
        scored.pattern,
        scored.p / greatest(1.0, by_source.p, by_target.p) as p
    from scored_{{ i }} as scored
    inner join (
        select flow_id, session, source_no, sum(p) as p from scored_{{ i }} group by flow_id, session, source_no
    ) as by_source
        on by_source.flow_id = scored.flow_id and by_source.session = scored.session
        and by_source.source_no = scored.source_no
    inner join (
        select flow_id, session, target_no, sum(p) as p from scored_{{ i }} group by flow_id, session, target_no
    ) as by_target
        on by_target.flow_id = scored.flow_id and by_target.session = scored.session
        and by_target.target_no = scored.target_no
),

expected_{{ i }} as (
    select
        pl.flow_id,
        pl.session,
        pl.comparison,
        pl.level,
        sum(pr.matches) as matches,
        sum(pr.pairs - pr.matches) as non_matches
    from pattern_levels as pl
    inner join (
        select flow_id, session, pattern, sum(p) as matches, count(*) as pairs
        from probability_{{ i }}
        group by flow_id, session, pattern
    ) as pr
        on pr.flow_id = pl.flow_id and pr.session = pl.session and pr.pattern = pl.pattern
    group by pl.flow_id, pl.session, pl.comparison, pl.level
),
{%- if i < iterations %}

em_{{ i }} as (
    select
        g.flow_id,
        g.session,
        g.comparison,
        g.level,
        (coalesce(x.matches, 0) + {{ prior }} * g.m_start)
            / (coalesce(sum(x.matches) over (partition by g.flow_id, g.session, g.comparison), 0) + {{ prior }})
            as m,
        {%- if training.u == 'blocked' %}
        (coalesce(x.non_matches, 0) + {{ prior }} * g.u_start)
            / (coalesce(sum(x.non_matches) over (partition by g.flow_id, g.session, g.comparison), 0) + {{ prior }})
            as u_blocked,
        {%- else %}
        u.u as u_blocked,
        {%- endif %}
        coalesce(share.match_share, 0.1) as match_share
    from session_grid as g
    inner join u on u.flow_id = g.flow_id and u.comparison = g.comparison and u.level = g.level
    left join expected_{{ i }} as x
        on x.flow_id = g.flow_id and x.session = g.session and x.comparison = g.comparison and x.level = g.level
    left join (
        select flow_id, session, least(greatest(avg(p), 0.001), 0.999) as match_share
        from probability_{{ i }}
        group by flow_id, session
    ) as share on share.flow_id = g.flow_id and share.session = g.session
),
{%- endif %}
{%- endfor %}

{#- m pooled over the sessions that estimate it. #}
m as (
    select
        grid.flow_id,
        grid.comparison,
        grid.level,
        (coalesce(x.matches, 0) + {{ prior }} * grid.m_start)
            / (coalesce(sum(x.matches) over (partition by grid.flow_id, grid.comparison), 0) + {{ prior }}) as m
    from grid
    left join (
        select flow_id, comparison, level, sum(matches) as matches
        from expected_{{ iterations }}
        group by flow_id, comparison, level
    ) as x on x.flow_id = grid.flow_id and x.comparison = grid.comparison and x.level = grid.level
),

sizes as (
    select
        r.flow_id,
        max(r.source_records) as source_records,
        max(r.target_records) as target_records,
        coalesce(max(sampled.blocked_pairs), 0) as blocked_pairs,
        coalesce(max(sampled.sampled_pairs), 0) as sampled_pairs
    from {{ random_pairs }} as r
    left join (
        select flow_id, max(blocked_pairs) as blocked_pairs, count(*) as sampled_pairs
        from em_pairs
        group by flow_id
    ) as sampled on sampled.flow_id = r.flow_id
    group by r.flow_id
),
{%- if training.prior == 'em' %}

{#- The matches EM expects among the sampled pairs, scaled up to all of the flow's blocked pairs. #}
flow_totals as (
    select
        sizes.*,
        coalesce(expected.matches * sizes.blocked_pairs / nullif(sizes.sampled_pairs, 0), 0) as expected_matches
    from sizes
    left join (
        select flow_id, sum(p) as matches from probability_{{ iterations }} group by flow_id
    ) as expected on expected.flow_id = sizes.flow_id
),
{%- else %}

{#- Every sampled pair's weight from the final m and u, without the prior (its pattern's). #}
final_weights as {{ cte_materialized() }} (
    select em_pairs.flow_id, em_pairs.source_no, em_pairs.target_no, weights.w
    from em_pairs
    inner join (
        select pl.flow_id, pl.pattern, sum(ln(m.m / u.u)) as w
        from ({{ _unpivot_levels(kind, 'patterns', 'pattern, ') }}) as pl
        inner join m on m.flow_id = pl.flow_id and m.comparison = pl.comparison and m.level = pl.level
        inner join u on u.flow_id = pl.flow_id and u.comparison = pl.comparison and u.level = pl.level
        group by pl.flow_id, pl.pattern
    ) as weights on weights.flow_id = em_pairs.flow_id and weights.pattern = em_pairs.pattern
),

matches_0 as (
    select flow_id, least(source_records, target_records) as matches from sizes
),
{%- for i in range(1, iterations + 1) %}

probability_one_to_one_{{ i }} as {{ cte_materialized() }} (
    select fw.flow_id, fw.source_no, fw.target_no, 1.0 / (1.0 + exp(-least(greatest(fw.w + prior.w, -50.0), 50.0))) as p
    from final_weights as fw
    inner join (
        select flow_id, ln(probability / (1.0 - probability)) as w
        from (
            select
                sizes.flow_id,
                least(
                    greatest(last_step.matches, 1.0)
                        / ({{ double('sizes.source_records') }} * sizes.target_records),
                    0.5
                ) as probability
            from sizes
            inner join matches_{{ i - 1 }} as last_step on last_step.flow_id = sizes.flow_id
        ) as flow_prior
    ) as prior on prior.flow_id = fw.flow_id
),

{#- The matches the prior of the last step implies: a record's best pair's probability each, the smaller of the two
    sides' sums, scaled from the sample to all blocked pairs, at most one per record of the smaller side. #}
matches_{{ i }} as (
    select
        sizes.flow_id,
        least(
            coalesce(least(best.by_source, best.by_target) * sizes.blocked_pairs / nullif(sizes.sampled_pairs, 0), 0),
            least(sizes.source_records, sizes.target_records)
        ) as matches
    from sizes
    left join (
        select
            flow_id,
            sum(case when side = 's' then p end) as by_source,
            sum(case when side = 't' then p end) as by_target
        from (
            select flow_id, 's' as side, max(p) as p from probability_one_to_one_{{ i }} group by flow_id, source_no
            union all
            select flow_id, 't' as side, max(p) as p from probability_one_to_one_{{ i }} group by flow_id, target_no
        ) as per_record
        group by flow_id
    ) as best on best.flow_id = sizes.flow_id
),
{%- endfor %}

flow_totals as (
    select sizes.*, matches_{{ iterations }}.matches as expected_matches
    from sizes
    inner join matches_{{ iterations }} on matches_{{ iterations }}.flow_id = sizes.flow_id
),
{%- endif %}

priors as (
    {#- At least one match in all the pairs, so a flow where EM expects none still has a finite prior, and at most
        even odds (a flow of one record a side). #}
    select
        flow_id,
        source_records,
        target_records,
        blocked_pairs,
        expected_matches,
        least(greatest(expected_matches, 1.0) / ({{ double('source_records') }} * target_records), 0.5)
            as prior_probability
    from flow_totals
)

select
    ----------  ids
    grid.flow_id,
    '{{ kind }}' as match_kind,
    grid.comparison,
    grid.level,
    grid.level_label,

    ----------  parameters
    m.m as m_probability,
    u.u as u_probability,
    {{ log2('m.m / u.u') }} as match_weight,
    grid.has_tf,

    ----------  the flow's prior
    priors.prior_probability,
    {{ log2('priors.prior_probability / (1.0 - priors.prior_probability)') }} as prior_match_weight,
    priors.expected_matches,
    priors.blocked_pairs,
    priors.source_records,
    priors.target_records,
    {{ iterations }} as em_iterations
from grid
inner join m on m.flow_id = grid.flow_id and m.comparison = grid.comparison and m.level = grid.level
inner join u on u.flow_id = grid.flow_id and u.comparison = grid.comparison and u.level = grid.level
inner join priors on priors.flow_id = grid.flow_id
{%- endmacro %}


{#-
    Every blocked pair's score: the flow's prior weight plus each comparison's weight at the pair's level
    (log2 m/u; at an exact level of a term-frequency column log2 m/frequency of the shared value, so a rare
    shared value weighs more than a common one; 0 where a side has no value), the probability 2^w / (1 + 2^w),
    and the evidence as text, comparison by comparison.
-#}
{% macro match_scores(kind) -%}
{%- set comparisons = match_comparisons(kind) -%}
{%- set parameters = ref('int_match_parameters__' ~ kind) -%}
with

pairs as (
    select * from {{ ref('int_match_pairs__' ~ kind) }}
),

weighed as (
    select
        pairs.*,
        prior.prior_match_weight,
        {%- for c in comparisons %}
        {%- set n = c.name %}
        case
            when pairs.gamma_{{ n }} < 0 then 0.0
            {%- if c.tf is defined %}
            when pairs.tf_{{ c.tf }} is not null and w_{{ n }}.has_tf
                then {{ log2('w_' ~ n ~ '.m_probability / pairs.tf_' ~ c.tf) }}
            {%- endif %}
            else w_{{ n }}.match_weight
        end as weight_{{ n }},
        w_{{ n }}.level_label as level_{{ n }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from pairs
    inner join (
        select distinct flow_id, prior_match_weight from {{ parameters }}
    ) as prior on prior.flow_id = pairs.flow_id
    {%- for c in comparisons %}
    left join {{ parameters }} as w_{{ c.name }}
        on w_{{ c.name }}.flow_id = pairs.flow_id
        and w_{{ c.name }}.comparison = '{{ c.name }}'
        and w_{{ c.name }}.level = pairs.gamma_{{ c.name }}
    {%- endfor %}
),

scored as (
    select
        weighed.*,
        prior_match_weight{% for c in comparisons %} + weight_{{ c.name }}{% endfor %} as match_weight
    from weighed
),

probable as (
    select
        scored.*,
        case
            when match_weight > 50 then 1.0
            when match_weight < -50 then 0.0
            else power(2.0, match_weight) / (1.0 + power(2.0, match_weight))
        end as match_probability
    from scored
)

select
    ----------  the pair
    flow_id,
    source_id,
    target_id,
    blocked_by,

    ----------  the score
    match_weight,
    match_probability,
    {#- "first_name exact +7.1; last_name one_edit +4.0; birth_date else -6.3" (comparisons a side lacks left out),
        for the pairs from the review threshold up, the ones link candidates and link_review show: the text is most
        of this model's cost, and below the band the weights say the same. #}
    {%- set parts = [] %}
    {%- for c in comparisons %}
        {%- do parts.append("case when gamma_" ~ c.name ~ " >= 0 then '" ~ c.name ~ " ' || level_" ~ c.name
            ~ " || ' ' || case when weight_" ~ c.name ~ " >= 0 then '+' else '' end || cast(round(cast(weight_"
            ~ c.name ~ " as " ~ dbt.type_numeric() ~ "), 1) as " ~ dbt.type_string() ~ ") || '; ' else '' end") %}
    {%- endfor %}
    case
        when match_probability >= {{ match_thresholds().review }} then rtrim({{ parts | join(' || ') }}, '; ')
    end as match_evidence,

    ----------  per comparison: level (gamma) and weight
    {%- for c in comparisons %}
    gamma_{{ c.name }},
    weight_{{ c.name }},
    {%- endfor %}
    prior_match_weight
from probable
{%- endmacro %}
