{#-
    flow_config(flow_id): the flow's row of seeds/flows.csv as a dict (at run time; an empty dict while dbt
    parses), checked against what dbt parsed (declared_flows, macros/flows.sql): a seed edited without
    `python -m dataflows` stops the build. The model calling it depends on the flows seed.
-#}
{% macro flow_config(flow_id) -%}
    {%- set _depends_on = ref('flows') -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {#- The seed table itself, not ref(): in a unit test ref('flows') names the test's fixture (and the graph is
        not there: then the seed is where seeds go by default, the target schema). -#}
    {%- set nodes = graph.get('nodes', {}).values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', 'flows') | list -%}
    {%- if nodes -%}
        {%- set seed = nodes[0].relation_name -%}
    {%- else -%}
        {%- set seed = api.Relation.create(database=target.database, schema=target.schema, identifier='flows') -%}
    {%- endif -%}
    {%- set query -%}
        select * from {{ seed }} where flow_id = {{ flow_id }}
    {%- endset -%}
    {%- set table = run_query(query) -%}
    {%- if table.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error("flow " ~ flow_id ~ " is not (exactly once) in seeds/flows.csv") }}
    {%- endif -%}
    {%- set row = {} -%}
    {%- for name in table.column_names -%}
        {%- do row.update({name: table.rows[0][name]}) -%}
    {%- endfor -%}
    {%- set declared = declared_flow(flow_id) -%}
    {%- set parsed = [declared.flow_name, declared.kind, declared.source, declared.target, declared.probabilistic] -%}
    {%- set seeded = [row.flow_name, row.get('kind'), row.source_system ~ '__' ~ row.source_entity,
        row.target_system ~ '__' ~ row.target_entity,
        'probabilistic' in (row.match_rule or '').replace(' ', '').split('>')] -%}
    {%- if parsed != seeded -%}
        {{ exceptions.raise_compiler_error(
            "flow " ~ flow_id ~ ": seeds/flows.csv says " ~ seeded ~ " but macros/flows.sql " ~ parsed
            ~ ": run python -m dataflows"
        ) }}
    {%- endif -%}
    {{ return(row) }}
{%- endmacro %}


{#- The match-key model, staging model and id column of one flow side ("zohocrm__accounts"). -#}
{% macro flow_side(side, with_keys=true) -%}
    {%- set system, entity = side.split('__') -%}
    {%- set id_columns = {
        'accounts': 'account_id', 'companies': 'company_id', 'contacts': 'contact_id', 'customers': 'customer_id',
        'deals': 'deal_id', 'departments': 'department_id', 'orders': 'order_id',
        'organisations': 'organisation_id', 'persons': 'person_id', 'products': 'product_id',
    } -%}
    {{ return({
        'system': system,
        'entity': entity,
        'id': id_columns[entity],
        'keys_model': ref('int_' ~ side ~ '__match_keys') if with_keys else none,
        'staging': ref('stg_' ~ side),
        'deleted': ref('stg_' ~ side ~ '_deleted'),
    }) }}
{%- endmacro %}


{#-
    link_candidates(flow_id): the matching of one flow (its sides and kind: declared_flow). The flow's rules run
    strongest first, each only over the records no stronger rule has settled (and not over records already linked
    in the flow, forced by an override or created by the push), so a record is matched by its strongest evidence:

      exact rules   pair records with equal keys. How many records hold a key is counted over the whole side,
                    so a key two records share never links, even when one of them is settled already. Keys held
                    by more than `max_key_count` records on a side are left out altogether (generic values: a
                    call centre's number; listing their pairs would only bury the review).
      fuzzy rules   pair records in one block whose score reaches the threshold. A record's pairs are counted
                    over the whole other side too, so a record with a rival under the rule is never linked by it,
                    even when the rival is settled already (a run on unchanged data links what the one before did).

    A pair is linkable when its key is held once on each side and the rule's guard holds; a rule proposes the
    linkable pairs whose two records have no other linkable pair under that rule (is_proposed). The link model
    links the proposed pairs; link_review lists the rest of the pairs of records that stay unlinked.

    Deleted records and records outside the flow's source_filter are not candidates.

    planned_sources, planned_targets: names of relations of records a plan creates in the flow's source or target
    (flow_id, planned_id: the create's plan_key, and the match-key columns of the record it is made from),
    matched beside the records the side holds, under the deterministic rules only (int_sync__creates: a record
    the plan would create beside its twin is linked to the twin instead; a planned record has no probabilistic
    score). prefix: the matching as CTEs named <prefix>__..., the last <prefix>__out, for a model to place among
    its own (a subquery would read a CTE of the model once per reference).

    settled_only: only the rules before the probabilistic one: their candidates, and the records settled before
    any rule runs (rule_rank 0), is_settled marking what they settle: int_match_settled__<kind>, so the
    probabilistic matching scores only the records these exact rules leave open. The candidates of a flow with a
    probabilistic rule read those rules' pairs back from that model instead of running them a second time.
-#}
{% macro link_candidates(
    flow_id, max_key_count=10, settled_only=false, planned_sources=none, planned_targets=none, prefix=none
) -%}
{%- set p = prefix ~ '__' if prefix else '' -%}
{%- set declared = declared_flow(flow_id) -%}
{%- set source, target, kind = declared.source, declared.target, declared.kind -%}
{%- set flow = flow_config(flow_id) -%}
{%- set rules = rules_for(flow.get('match_rule'), kind) if execute else [] -%}
{%- set before = namespace(rules=[], open=true) -%}
{%- for rule in rules -%}
    {%- if rule.probabilistic is defined %}{% set before.open = false %}{% endif -%}
    {%- if before.open %}{% do before.rules.append(rule) %}{% endif -%}
{%- endfor -%}
{%- if planned_sources or planned_targets -%}
    {%- set rules = rules | rejectattr('probabilistic', 'defined') | list -%}
{%- endif -%}
{%- if settled_only -%}
    {%- set rules = before.rules -%}
{%- endif -%}
{#- The rules int_match_settled__<kind> ran already: their pairs are read from it (not for planned records, which
    that model does not hold). -#}
{%- set reused = before.rules
    if declared.probabilistic and not settled_only and not (planned_sources or planned_targets) else [] -%}
{#- Refs the rules may use, taken at parse time (the rules themselves are only known at run time). -#}
{%- set lookups = {'int_shared_emails': ref('int_shared_emails')} if kind != 'deal' else {} -%}
{%- if kind == 'person' -%}
    {%- do lookups.update({'int_shared_names': ref('int_shared_names')}) -%}
{%- endif -%}
{%- if declared.probabilistic and not settled_only -%}
    {%- do lookups.update({'scores': ref('int_match_scores__' ~ kind)}) -%}
    {%- do lookups.update({'settled': ref('int_match_settled__' ~ kind)}) -%}
    {%- if kind == 'person' -%}
        {#- and the ones the guard's level numbers are worked out beside (macros/fellegi_sunter.sql) -#}
        {%- do lookups.update({'names': ref('int_given_name_pairs')}) -%}
    {%- endif -%}
{%- endif -%}
{%- set no_score = 'cast(null as ' ~ dbt.type_float() ~ ') as match_weight, cast(null as ' ~ dbt.type_float()
    ~ ') as match_probability' -%}
{%- set overrides = ref('link_overrides') -%}
{%- set source_filter = flow.get('source_filter') -%}
{%- set text = dbt.type_string() -%}

{% if not prefix %}with{% endif %}

{%- if kind != 'deal' %}

{{ p }}source_records as {{ cte_not_materialized() }} (

    {{ _held_and_planned(flow_id, source, source_filter, rules, planned_sources) }}

),

{{ p }}target_records as {{ cte_not_materialized() }} (

    {{ _held_and_planned(flow_id, target, none, rules, planned_targets) }}

),

{{ p }}forbidden as {{ cte_materialized() }} (

    select cast(source_id as {{ text }}) as source_id, cast(target_id as {{ text }}) as target_id
    from {{ overrides }}
    where flow_id = {{ flow_id }} and action = 'forbid'

),

{%- if reused %}

{#- What the rules before the probabilistic one and the runs before settled (int_match_settled__<kind>). #}
{{ p }}settled_{{ reused | length }} as {{ cte_materialized() }} (

    select source_id, target_id from {{ lookups.settled }} where flow_id = {{ flow_id }} and is_settled

),
{%- else %}

{#- Records settled before any rule runs: linked by an earlier run (linked_before, settled_by its rule), forced by
    an override, created by the push. #}
{{ p }}settled_0 as {{ cte_materialized() }} (

    {{ linked_before(flow_id, p) }}
    union all
    select cast(source_id as {{ text }}), cast(target_id as {{ text }}), cast(null as {{ text }})
    from {{ overrides }}
    where flow_id = {{ flow_id }} and action = 'force'
    union all
    select source_id, target_id, cast(null as {{ text }}) from {{ push_created_links(flow_id) }} as pushed

),
{%- endif %}
{%- endif %}

{%- for rule in rules[reused | length:] %}
{%- set r = rule.name %}
{%- set k = loop.index + reused | length %}
{%- set columns = _rule_columns(rule) %}
{%- if rule.probabilistic is defined %}

{#- The probabilistic rule: the scored pairs (int_match_scores__<kind>) of records no stronger rule settled. A record
    matches at most one record of the other side, so a pair's probability counts its competitors: its odds
    (2^match_weight) over one plus the odds of every pair of its source and of its target (itself once),
    which is its match probability when each record has one match or none. A pair is linkable when that reaches
    the link threshold and the kind's guard (match_guard) holds; the pair then outweighs each competitor 99 : 1,
    and those competitors count no more. Every other pair from the review threshold up stays a candidate, so
    two close candidates both wait for review. The competitors include the pairs of the records an earlier run
    linked by this rule (int_match_scores__<kind> scores them as the run that linked them did): they are settled,
    but still rival an open record, so a later run on unchanged data links no pair the run that linked them held
    back. #}
{{ p }}{{ r }}__scored as {{ cte_materialized() }} (
    select
        source_id,
        target_id,
        match_weight,
        match_probability,
        match_evidence,
        {{ match_guard(kind) }} as passes_guard,
        power(2.0, least(match_weight, 500.0)) as odds,
        not exists (
            select 1 from {{ p }}settled_{{ k - 1 }} as settled where settled.source_id = scores.source_id
        ) and not exists (
            select 1 from {{ p }}settled_{{ k - 1 }} as settled where settled.target_id = scores.target_id
        ) as is_open
    from {{ lookups.scores }} as scores
    where flow_id = {{ flow_id }}
        and source_id in (select record_id from {{ p }}source_records)
        and target_id in (select record_id from {{ p }}target_records)
),

{{ p }}{{ r }}__in_band as {{ cte_materialized() }} (
    select
        source_id,
        target_id,
        match_weight,
        match_probability,
        match_evidence,
        passes_guard,
        is_open,
        one_to_one_probability,
        one_to_one_probability >= {{ match_thresholds().link }} as is_decisive
    from (
        select
            scored.*,
            odds / (
                1.0 + sum(odds) over (partition by source_id) + sum(odds) over (partition by target_id) - odds
            ) as one_to_one_probability
        from {{ p }}{{ r }}__scored as scored
    ) as weighed
    where match_probability >= {{ match_thresholds().review }}
),

{#- A pair another pair of its source or target outweighs decisively is no competitor. The pairs of two open
    records, each record's competitors counted over all of its scored pairs. #}
{{ p }}{{ r }}__pairs as {{ cte_materialized() }} (
    select
        source_id,
        target_id,
        '{{ r }}' as match_rule,
        {{ k }} as rule_rank,
        cast(match_evidence as {{ text }}) as link_key,
        source_key_count,
        target_key_count,
        is_decisive and passes_guard as is_corroborated,
        match_weight,
        match_probability
    from (
        select
            competing.*,
            sum(case when is_competing then 1 else 0 end) over (partition by target_id) as source_key_count,
            sum(case when is_competing then 1 else 0 end) over (partition by source_id) as target_key_count
        from (
            select
                in_band.*,
                is_decisive or not (
                    max(case when is_decisive then 1 else 0 end) over (partition by source_id) = 1
                    or max(case when is_decisive then 1 else 0 end) over (partition by target_id) = 1
                ) as is_competing
            from {{ p }}{{ r }}__in_band as in_band
        ) as competing
    ) as counted
    where is_open
),

{%- elif rule.fuzzy is defined %}
{%- set column = rule.fuzzy.key %}

{#- Every record of a side that has the key, settled or not: a record's rivals under the rule are counted over all
    of them (as the exact rules count a key over the whole side), so a record whose rival an earlier rule or run
    has linked is not linked by this rule in a later run either. #}
{%- for side in ('source', 'target') %}
{{ p }}{{ r }}__{{ side }}s as {{ cte_materialized() }} (
    select
        record_id,
        {{ columns | join(', ') }},
        not exists (
            select 1 from {{ p }}settled_{{ k - 1 }} as settled where settled.{{ side }}_id = record_id
        ) as is_open
    from {{ p }}{{ side }}_records
    where {{ column }} is not null
),
{% endfor %}

{#- The block pairs with an open record (the pairs of two settled ones neither link nor rival an open one). Each
    block's pairs are scored where the block's join found them (a pair in several blocks gets the same values, which
    the union keeps once): joining the blocked ids back to the records by id made PostgreSQL, which has no
    statistics for a CTE, pair every open record with every other first (benchmarks/RESULTS.md, #18). #}
{{ p }}{{ r }}__scored as (
    {%- for block in rule.fuzzy.blocks %}
    {% if not loop.first %}union{% endif %}
    select
        s.record_id as source_id,
        t.record_id as target_id,
        s.is_open and t.is_open as is_open,
        s.{{ column }} as link_key,
        {{ rule.fuzzy.score }} as similarity,
        {{ rule.guard }} as is_corroborated
    from {{ p }}{{ r }}__sources as s
    inner join {{ p }}{{ r }}__targets as t
        on {% for expr in block %}{{ expr.replace('@', 's') }} = {{ expr.replace('@', 't') }}{% if not loop.last %}
        and {% endif %}{% endfor %}
    where s.is_open or t.is_open
    {%- endfor %}
),

{#- The pairs of two open records, each record's pairs counted over the whole other side. #}
{{ p }}{{ r }}__pairs as {{ cte_materialized() }} (
    select
        source_id,
        target_id,
        '{{ r }}' as match_rule,
        {{ k }} as rule_rank,
        cast(link_key as {{ text }}) as link_key,
        source_key_count,
        target_key_count,
        is_corroborated,
        {{ no_score }}
    from (
        select
            matched.*,
            count(*) over (partition by target_id) as source_key_count,
            count(*) over (partition by source_id) as target_key_count
        from {{ p }}{{ r }}__scored as matched
        where similarity >= {{ rule.fuzzy.threshold }}
    ) as counted
    where is_open
),

{%- else %}
{%- set key_parts = [] %}
{%- for key in rule['keys'] %}{% do key_parts.append('cast(' ~ key ~ ' as ' ~ text ~ ')') %}{% endfor %}
{%- set key_expr = key_parts | join(" || ' | ' || ") %}
{%- set key_not_null = rule['keys'] | join(' is not null and ') ~ ' is not null' %}

{{ p }}{{ r }}__source_counts as (
    select key_value, count(*) as n
    from (select {{ key_expr }} as key_value from {{ p }}source_records where {{ key_not_null }}) as keyed
    group by key_value
),

{{ p }}{{ r }}__target_counts as (
    select key_value, count(*) as n
    from (select {{ key_expr }} as key_value from {{ p }}target_records where {{ key_not_null }}) as keyed
    group by key_value
),

{{ p }}{{ r }}__source_keys as (
    select keyed.*, counts.n
    from (
        select record_id, {{ key_expr }} as key_value{% for c in columns %}, {{ c }}{% endfor %}
        from {{ p }}source_records
        where {{ key_not_null }} and not exists (
            select 1 from {{ p }}settled_{{ k - 1 }} as settled where settled.source_id = record_id
        )
    ) as keyed
    inner join {{ p }}{{ r }}__source_counts as counts on counts.key_value = keyed.key_value
    where counts.n <= {{ max_key_count }}
),

{{ p }}{{ r }}__target_keys as (
    select keyed.*, counts.n
    from (
        select record_id, {{ key_expr }} as key_value{% for c in columns %}, {{ c }}{% endfor %}
        from {{ p }}target_records
        where {{ key_not_null }} and not exists (
            select 1 from {{ p }}settled_{{ k - 1 }} as settled where settled.target_id = record_id
        )
    ) as keyed
    inner join {{ p }}{{ r }}__target_counts as counts on counts.key_value = keyed.key_value
    where counts.n <= {{ max_key_count }}
),

{{ p }}{{ r }}__pairs as {{ cte_materialized() }} (
    select
        s.record_id as source_id,
        t.record_id as target_id,
        '{{ r }}' as match_rule,
        {{ k }} as rule_rank,
        cast(s.key_value as {{ text }}) as link_key,
        {%- if rule.get('shared_anywhere') %}
        {#- A key another system shows to be shared counts as held by that many records on both sides. #}
        case when shared.records > s.n then shared.records else s.n end as source_key_count,
        case when shared.records > t.n then shared.records else t.n end as target_key_count,
        {%- else %}
        s.n as source_key_count,
        t.n as target_key_count,
        {%- endif %}
        {{ rule.guard }} as is_corroborated,
        {{ no_score }}
    from {{ p }}{{ r }}__source_keys as s
    inner join {{ p }}{{ r }}__target_keys as t on t.key_value = s.key_value
    {%- if rule.get('shared_anywhere') %}
    left join (
        select {{ rule['keys'][0] }} as key_value, holders as records from {{ lookups[rule.shared_anywhere] }}
    ) as shared on shared.key_value = s.key_value
    {%- endif %}
),

{%- endif %}

{{ p }}{{ r }}__linkable as {{ cte_materialized() }} (
    select source_id, target_id
    from {{ p }}{{ r }}__pairs as p
    where source_key_count = 1 and target_key_count = 1 and is_corroborated
        and not exists (
            select 1 from {{ p }}forbidden as f where f.source_id = p.source_id and f.target_id = p.target_id
        )
),

{{ p }}{{ r }}__proposed as {{ cte_materialized() }} (
    select source_id, target_id
    from {{ p }}{{ r }}__linkable
    where source_id in (select source_id from {{ p }}{{ r }}__linkable group by source_id having count(*) = 1)
        and target_id in (select target_id from {{ p }}{{ r }}__linkable group by target_id having count(*) = 1)
),

{{ p }}settled_{{ k }} as {{ cte_materialized() }} (
    select source_id, target_id from {{ p }}settled_{{ k - 1 }}
    union all
    select source_id, target_id from {{ p }}{{ r }}__proposed
),

{%- endfor %}

{{ p }}candidates as (
    {%- if settled_only %}
    {#- The records settled before any rule ran, as rule 0 (match_rule: the rule of an earlier run's link). #}
    select source_id, target_id, {{ _no_candidate(text, no_score, rank='0', rule='settled_by') }}
    from {{ p }}settled_0
    union all
    {%- endif %}
    {%- if reused %}
    select
        source_id, target_id, match_rule, rule_rank, link_key, source_key_count, target_key_count,
        is_corroborated, match_weight, match_probability, is_proposed
    from {{ lookups.settled }}
    where flow_id = {{ flow_id }} and rule_rank > 0
    {% if rules | length > reused | length %}union all{% endif %}
    {%- endif %}
    {%- for rule in rules[reused | length:] %}
    select
        p.*,
        exists (
            select 1 from {{ p }}{{ rule.name }}__proposed as chosen
            where chosen.source_id = p.source_id and chosen.target_id = p.target_id
        ) as is_proposed
    from {{ p }}{{ rule.name }}__pairs as p
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- if not rules %}
    select
        cast(null as {{ text }}) as source_id,
        cast(null as {{ text }}) as target_id,
        {{ _no_candidate(text, no_score) }}
    where 1 = 0
    {%- endif %}
)

{% if prefix %}, {{ p }}out as ({% endif %}
select
    {{ flow_id }} as flow_id,
    source_id,
    target_id,
    match_rule,
    rule_rank,
    link_key,
    source_key_count,
    target_key_count,
    is_corroborated,
    source_key_count = 1 and target_key_count = 1 and is_corroborated as is_linkable,
    is_proposed,
    match_weight,
    match_probability{% if settled_only %},
    is_proposed or rule_rank = 0 as is_settled{% endif %}
from {{ p }}candidates
{%- if prefix %}
)
{%- endif %}
{%- endmacro %}


{#- A candidate row of no rule (the columns after the ids), for an empty candidates list or a record settled before
    the rules ran. -#}
{% macro _no_candidate(text, no_score, rank='null', rule='null') -%}
    cast({{ rule }} as {{ text }}) as match_rule,
    cast({{ rank }} as integer) as rule_rank,
    cast(null as {{ text }}) as link_key,
    cast(null as bigint) as source_key_count,
    cast(null as bigint) as target_key_count,
    cast(null as boolean) as is_corroborated,
    {{ no_score }},
    false as is_proposed
{%- endmacro %}


{#-
    The flow's active links before this run and the rule that made each (settled_by): its link table as the
    previous run left it, the source
    prev (declared with the link models in models/links/flows/; the link model itself reads these
    candidates, so it is no ref). Empty on the first run, and without the links a forbid override now closes.
-#}
{% macro linked_before(flow_id, prefix='') -%}
    {%- set text = dbt.type_string() -%}
    {%- set table = existing_source('prev', 'link_' ~ declared_flow(flow_id).flow_name) -%}
    {%- if table is not none -%}
    select linked.source_id, linked.target_id, linked.match_rule as settled_by
    from {{ table }} as linked
    where linked.is_active
        and not exists (
            select 1 from {{ prefix }}forbidden as f
            where f.source_id = linked.source_id and f.target_id = linked.target_id
        )
    {%- else -%}
    select
        cast(null as {{ text }}) as source_id,
        cast(null as {{ text }}) as target_id,
        cast(null as {{ text }}) as settled_by
    where 1 = 0
    {%- endif -%}
{%- endmacro %}


{#- The columns a rule's guard and score read (s.x, t.x) and its fuzzy blocks and key, so joins carry those and not
    whole records. -#}
{% macro _rule_columns(rule) -%}
    {%- set read = rule.guard ~ ' ' ~ (rule.fuzzy.score if rule.fuzzy is defined else '') -%}
    {%- set columns = modules.re.findall('\\b[st]\\.([a-z_]+)', read) -%}
    {%- if rule.fuzzy is defined -%}
        {%- set columns = columns + modules.re.findall('@\\.([a-z_]+)', rule.fuzzy.blocks | map('join', ' ') | join(' '))
            + [rule.fuzzy.key] -%}
    {%- endif -%}
    {{ return(columns | unique | list) }}
{%- endmacro %}


{#- One side's records (flow_records), and beside them, when given, the records a plan creates there (planned: a
    relation with flow_id, planned_id and the match-key columns), with the columns the rules read. -#}
{% macro _held_and_planned(flow_id, side, record_filter, rules, planned) -%}
    {%- if planned -%}
    {%- set read = [] -%}
    {%- for rule in rules %}{% do read.extend(rule.get('keys', []) + _rule_columns(rule)) %}{% endfor -%}
    {%- set read = read | unique | join(', ') -%}
    select record_id, {{ read }} from ({{ flow_records(side, record_filter) }}) as held
    union all
    select planned_id as record_id, {{ read }} from {{ planned }} where flow_id = {{ flow_id }}
    {%- else -%}
    {{ flow_records(side, record_filter) }}
    {%- endif -%}
{%- endmacro %}
