{#-
    Probabilistic matching (Fellegi–Sunter, as Splink does it), for the records of a flow that no exact rule
    settled. Everything a model of models/intermediate/matching/ needs to know about a kind of record is data
    here, and the SQL is generated from it, so the model and its explanation cannot drift apart:

      comparisons   per kind, a list of comparisons; each is a list of levels, strongest first. A level is a
                    condition over the pair (s = source record, t = target record); the first that holds is the
                    pair's level for that comparison (its gamma: the level count - 1 for the first, down to 0 for
                    `else`); -1 when either side has no value (`null_if`), which weighs nothing. `m` and `u` are
                    the starting values of the estimation and its prior (worth `match_prior_pairs()` pairs): the
                    data decide the rest (int_match_parameters__<kind>). `tf` names the column whose value
                    frequency adjusts the exact level's weight (a shared rare name says more than a shared "hansen"),
                    or that of the level marked `'tf': true` (the first level then says `'tf': false`).
      blocking      per kind, the blocking rules: records whose every expression is equal (@ is the record; a pair
                    [source, target] compares different columns). A value more than `match_block_cap()` records of
                    a side hold blocks nothing under that rule, so the candidate set stays near-linear.
      thresholds    match_thresholds(): the match probability from which a pair is linked, and from which it is
                    listed for review (and the source record's create waits).
-#}

{#-
    Link at a match probability of 0.99 or more, list for review from 0.5. Not fitted to any data set: 0.5 is where
    the model finds a match more likely than not (below it, creating a new record is the better bet), 0.99 is
    odds of 99 : 1 that the pair is one thing, the bar for a link no person looks at. The probabilities come from
    parameters the model estimates on each warehouse's own data.
-#}
{% macro match_thresholds() -%}
    {{ return({'link': 0.99, 'review': 0.5}) }}
{%- endmacro %}

{#-
    What a probabilistic link needs besides its probability, over the pair's levels (gamma_<comparison>). Two people
    of one household share surname, address, phone and often the mailbox; two companies of one office building
    share address, switchboard and accountant's mailbox: the fields that tell them apart are the first name or the
    birth date, the company name or the org number. Where that field contradicts, the pair is listed for review,
    not linked, however much else agrees. For persons a first name contradicts when it is only an initial or under
    0.9 similar (the bar of the exact rules' same first name: Jørgen / John and Anne / Anna are two people of one
    family as often as one person), not when it is a known variant, one edit away or the surname swapped in; birth
    dates that agree or are one digit apart outweigh it. For companies: two org numbers of one country that differ are two companies,
    whatever else agrees (the org number comparison is left out where the records' countries differ: numbers of two
    registries do not contradict), and a company of the same name at another address (another postcode, or a street
    less than 0.9 similar) is a branch or a namesake until a person says otherwise: they go to review. A big city's
    postcode covers many streets, so the street counts on its own.
-#}
{% macro match_guard(kind) -%}
    {#- Only the kind asked for is worked out: the person levels read the given-name variants (a ref). -#}
    {%- if kind == 'person' -%}
        {{ return('not (gamma_first_name in (' ~ comparison_level('person', 'first_name', 'jaro_winkler_0.8') ~ ', '
            ~ comparison_level('person', 'first_name', 'initial') ~ ', 0) and gamma_birth_date < '
            ~ comparison_level('person', 'birth_date', 'one_digit') ~ ')') }}
    {%- elif kind == 'company' -%}
        {{ return('gamma_org_number <> 0 and not (gamma_name = 0 and gamma_org_number < 1)'
            ~ ' and not (gamma_postcode = 0 or gamma_street in (0, 1))') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error('match_guard: no guard for kind ' ~ kind) }}
{%- endmacro %}

{#-
    How the parameters are estimated, per kind (macros/match_models.sql, match_parameters):
      sessions  EM runs once per session, over the blocked pairs that agree exactly on the session's comparisons,
                and estimates m for the others (a session's own comparisons say nothing there: every pair agrees);
      u         `random`: u from random pairs throughout; `blocked`: re-estimated among the blocked pairs;
      prior     `em`: the matches the last EM iteration expects; `one_to_one`: from the final m and u, each record
                counting at most its best pair.
    Persons: one session over all blocked pairs (a household shares little but surname and address; the pairs are
    sparse, about two per record). Companies: blocks are dense (ten pairs a record at 1M × 1M: branches and
    namesakes sharing name, domain, switchboard and accountant's mailbox), and one EM over them all learns "same
    block", not "same company". So, as Splink trains, one session per strong key: pairs of one org number (nearly
    all one company: m of everything else) and pairs of one name and postcode (m of the org number and the rest);
    u stays what chance agreement looks like, and a company is one record on the other side, however many branches
    its blocks hold.
-#}
{% macro match_training(kind) -%}
    {{ return({
        'person': {'sessions': [[]], 'u': 'blocked', 'prior': 'em'},
        'company': {'sessions': [['org_number'], ['name', 'postcode']], 'u': 'random', 'prior': 'one_to_one'},
    }[kind]) }}
{%- endmacro %}

{#- A block value more records than this hold on one side blocks nothing under that rule (a common surname, a
    city's main postcode): those pairs come through the other rules, and no value can make the pairs quadratic. -#}
{% macro match_block_cap() -%}
    {{ return(50) }}
{%- endmacro %}

{#- How many records of each side are sampled (by a hash of their id) for the random pairs that estimate u: 250 a
    side is 62,500 pairs per flow, enough to see a level 1 pair in 10,000 has, at about a second per kind and run
    (every sync round runs dbt build). A level no sampled pair has gets u = 1 / pairs: rarer than the sample can
    tell, not impossible. -#}
{% macro match_u_sample() -%}
    {{ return(250) }}
{%- endmacro %}

{#- The weight of the starting values as a prior, in pairs: a flow of a handful of records scores with them, a
    flow of thousands with its own estimates. -#}
{% macro match_prior_pairs() -%}
    {{ return(10) }}
{%- endmacro %}

{#- EM learns from at most this many blocked pairs per flow (a hash sample): m is a share, and 200,000 pairs pin it
    down as well as millions would, at a bounded cost per run. -#}
{% macro match_em_pairs() -%}
    {{ return(200000) }}
{%- endmacro %}

{#- ... drawn from the blocked pairs of at most this many source records per flow (the first by a hash of their id,
    settled or not): every record of a flow up to that size, and beyond it the blocking of the other records is
    only done for the pairs to score. At two to ten pairs a record, 100,000 records give 200,000 to 1,000,000
    pairs to draw match_em_pairs() from. -#}
{% macro match_em_records() -%}
    {{ return(100000) }}
{%- endmacro %}

{#- EM iterations (unrolled in SQL: a fixed number keeps dbt build's time fixed; from the starting values below
    the parameters change by less than 1e-3 after about six). -#}
{% macro match_em_iterations() -%}
    {{ return(8) }}
{%- endmacro %}


{#- The flows matched probabilistically, per kind: flow id → [source side, target side], the flows of that kind
    whose match_rule in seeds/flows.csv names `probabilistic` (declared_flows, macros/flows.sql). -#}
{% macro matching_flows(kind) -%}
    {%- set flows = {} -%}
    {%- for flow in declared_flows() if flow.kind == kind and flow.probabilistic -%}
        {%- do flows.update({flow.flow_id: [flow.source, flow.target]}) -%}
    {%- endfor -%}
    {{ return(flows) }}
{%- endmacro %}


{#- Level conditions used by several comparisons. -#}
{% macro _fs_exact(c) -%}s.{{ c }} = t.{{ c }}{%- endmacro %}

{#- At most one edit apart (within_one_edit, macros/cross_db.sql). -#}
{% macro _fs_one_edit(c) -%}{{ within_one_edit('s.' ~ c, 't.' ~ c) }}{%- endmacro %}

{% macro _fs_jw(c, x) -%}{{ name_similarity('s.' ~ c, 't.' ~ c) }} >= {{ x }}{%- endmacro %}

{% macro _fs_null(c) -%}s.{{ c }} is null or t.{{ c }} is null{%- endmacro %}

{#- The last 8 digits of a number: the same national number with and without a calling code agree. -#}
{% macro _fs_number(side, c) -%}{{ dbt.right(side ~ '.' ~ c, '8') }}{%- endmacro %}

{#- One first name is a short form, pet form or other spelling of the other (William / Bill: int_given_name_pairs,
    from seeds/given_name_variants.csv). Only the person comparisons refer to the model. -#}
{% macro _fs_given_name_variants(kind) -%}
    {%- if kind == 'person' -%}
    s.first_name || '|' || t.first_name in (select name_pair from {{ ref('int_given_name_pairs') }})
    {%- endif -%}
{%- endmacro %}

{% macro _fs_date_text(side) -%}cast({{ side }}.birth_date as {{ dbt.type_string() }}){%- endmacro %}


{% macro match_comparisons(kind) -%}
{%- set any_number_agrees -%}
    {{ _fs_number('s', 'phone') }} in ({{ _fs_number('t', 'phone') }}, {{ _fs_number('t', 'mobile') }})
    or {{ _fs_number('s', 'mobile') }} in ({{ _fs_number('t', 'phone') }}, {{ _fs_number('t', 'mobile') }})
{%- endset -%}
{%- set street = {'name': 'street', 'null_if': _fs_null('street'), 'levels': [
    {'label': 'exact', 'when': _fs_exact('street'), 'm': 0.6, 'u': 0.0005},
    {'label': 'jaro_winkler_0.9', 'when': _fs_jw('street', 0.9), 'm': 0.2, 'u': 0.002},
    {'label': 'jaro_winkler_0.75', 'when': _fs_jw('street', 0.75), 'm': 0.1, 'u': 0.05},
    {'label': 'else', 'm': 0.1, 'u': 0.9475},
]} -%}
{%- set city = {'name': 'city', 'null_if': _fs_null('city'), 'levels': [
    {'label': 'exact', 'when': _fs_exact('city'), 'm': 0.8, 'u': 0.02},
    {'label': 'jaro_winkler_0.9', 'when': _fs_jw('city', 0.9), 'm': 0.1, 'u': 0.01},
    {'label': 'else', 'm': 0.1, 'u': 0.97},
]} -%}
{%- set postcode = {'name': 'postcode', 'null_if': _fs_null('postcode'), 'tf': 'postcode', 'levels': [
    {'label': 'exact', 'when': _fs_exact('postcode'), 'm': 0.8, 'u': 0.005},
    {'label': 'one_edit', 'when': _fs_one_edit('postcode'), 'm': 0.1, 'u': 0.05},
    {'label': 'else', 'm': 0.1, 'u': 0.945},
]} -%}
{#- email: an address the warehouse knows several people or companies use (a family's or an accountant's mailbox:
    int_shared_emails) says nothing about which of them a record is, so the pair counts as having no address to
    compare. A local part that is just the person's names (ola.nordmann@gmail.com, ola.nordmann@hotmail.com) says
    no more than the names, which are compared already; one with more in it (ola.nordmann77) is the person's own. -#}
{%- set local_part = {'s': dbt.split_part('s.email', "'@'", 1), 't': dbt.split_part('t.email', "'@'", 1)} -%}
{%- set local_is_names -%}
    {{ regex_replace_all(local_part.s, '[^a-z0-9]', '') }}
        in (replace(s.first_name || s.last_name, ' ', ''), replace(s.last_name || s.first_name, ' ', ''))
{%- endset -%}
{%- set email = {'name': 'email',
    'null_if': _fs_null('email') ~ ' or (' ~ _fs_exact('email') ~ ' and s.email in (select email from '
        ~ ref('int_shared_emails') ~ '))', 'levels': [
    {'label': 'exact', 'when': _fs_exact('email'), 'm': 0.7, 'u': 0.0001},
    {'label': 'same_local_part', 'when': local_part.s ~ ' = ' ~ local_part.t ~ ' and not coalesce('
        ~ local_is_names ~ ', false)', 'm': 0.1, 'u': 0.0005},
    {'label': 'else', 'm': 0.2, 'u': 0.9994},
]} -%}
{%- set phone = {'name': 'phone',
    'null_if': '(s.phone is null and s.mobile is null) or (t.phone is null and t.mobile is null)', 'levels': [
    {'label': 'a_number_agrees', 'when': any_number_agrees, 'm': 0.7, 'u': 0.0001},
    {'label': 'else', 'm': 0.3, 'u': 0.9999},
]} -%}
{#- employer: the domain comes from the e-mail where a system has no company record for the person, so it is
    often a mailbox provider's (gmail.com): an agreeing domain weighs by how many records hold it. -#}
{{ return({
    'person': [
        {'name': 'first_name', 'null_if': _fs_null('first_name'), 'tf': 'first_name', 'levels': [
            {'label': 'exact', 'when': _fs_exact('first_name'), 'm': 0.8, 'u': 0.005},
            {'label': 'nickname', 'when': _fs_given_name_variants(kind), 'm': 0.02, 'u': 0.0005},
            {'label': 'one_edit', 'when': _fs_one_edit('first_name'), 'm': 0.08, 'u': 0.002},
            {'label': 'jaro_winkler_0.9', 'when': _fs_jw('first_name', 0.9), 'm': 0.04, 'u': 0.005},
            {'label': 'jaro_winkler_0.8', 'when': _fs_jw('first_name', 0.8), 'm': 0.03, 'u': 0.03},
            {'label': 'swapped_with_last_name', 'when': 's.first_name = t.last_name', 'm': 0.01, 'u': 0.0001},
            {'label': 'initial', 'when': '(length(s.first_name) = 1 or length(t.first_name) = 1) and '
                ~ 'substr(s.first_name, 1, 1)' ~ ' = ' ~ 'substr(t.first_name, 1, 1)', 'm': 0.01, 'u': 0.005},
            {'label': 'else', 'm': 0.03, 'u': 0.9529},
        ]},
        {'name': 'last_name', 'null_if': _fs_null('last_name'), 'tf': 'last_name', 'levels': [
            {'label': 'exact', 'when': _fs_exact('last_name'), 'm': 0.8, 'u': 0.002},
            {'label': 'one_edit', 'when': _fs_one_edit('last_name'), 'm': 0.08, 'u': 0.001},
            {'label': 'jaro_winkler_0.9', 'when': _fs_jw('last_name', 0.9), 'm': 0.04, 'u': 0.004},
            {'label': 'jaro_winkler_0.8', 'when': _fs_jw('last_name', 0.8), 'm': 0.03, 'u': 0.02},
            {'label': 'swapped_with_first_name', 'when': 's.last_name = t.first_name', 'm': 0.01, 'u': 0.0001},
            {'label': 'else', 'm': 0.04, 'u': 0.9729},
        ]},
        {'name': 'birth_date', 'null_if': _fs_null('birth_date'), 'levels': [
            {'label': 'exact', 'when': _fs_exact('birth_date'), 'm': 0.85, 'u': 0.0001},
            {'label': 'one_digit', 'when': within_one_edit(_fs_date_text('s'), _fs_date_text('t')),
                'm': 0.08, 'u': 0.002},
            {'label': 'day_month_swapped', 'when': 'extract(year from s.birth_date)' ~ ' = '
                ~ 'extract(year from t.birth_date)' ~ ' and ' ~ 'extract(month from s.birth_date)' ~ ' = '
                ~ 'extract(day from t.birth_date)' ~ ' and ' ~ 'extract(day from s.birth_date)' ~ ' = '
                ~ 'extract(month from t.birth_date)', 'm': 0.02, 'u': 0.0001},
            {'label': 'same_year', 'when': 'extract(year from s.birth_date)' ~ ' = '
                ~ 'extract(year from t.birth_date)', 'm': 0.03, 'u': 0.015},
            {'label': 'else', 'm': 0.02, 'u': 0.9828},
        ]},
        postcode,
        street,
        city,
        email,
        phone,
        {'name': 'employer', 'null_if': '(s.employer_name is null and s.employer_domain is null)'
            ~ ' or (t.employer_name is null and t.employer_domain is null)', 'tf': 'employer_domain', 'levels': [
            {'label': 'same_name', 'when': _fs_exact('employer_name'), 'tf': false, 'm': 0.5, 'u': 0.005},
            {'label': 'same_domain', 'when': _fs_exact('employer_domain'), 'tf': true, 'm': 0.2, 'u': 0.005},
            {'label': 'jaro_winkler_0.85', 'when': _fs_jw('employer_name', 0.85), 'm': 0.1, 'u': 0.01},
            {'label': 'else', 'm': 0.2, 'u': 0.98},
        ]},
    ],
    'company': [
        {'name': 'name', 'null_if': _fs_null('name'), 'tf': 'name', 'levels': [
            {'label': 'exact', 'when': _fs_exact('name'), 'm': 0.8, 'u': 0.0005},
            {'label': 'one_edit', 'when': _fs_one_edit('name'), 'm': 0.08, 'u': 0.0005},
            {'label': 'jaro_winkler_0.92', 'when': _fs_jw('name', 0.92), 'm': 0.06, 'u': 0.002},
            {'label': 'jaro_winkler_0.8', 'when': _fs_jw('name', 0.8), 'm': 0.03, 'u': 0.03},
            {'label': 'else', 'm': 0.03, 'u': 0.967},
        ]},
        {'name': 'org_number',
            'null_if': 'not ((s.org_number is not null and t.org_number is not null) or (s.vat_number is not null'
                ~ ' and t.vat_number is not null)) or s.country_code <> t.country_code',
            'levels': [
            {'label': 'exact', 'when': _fs_exact('org_number') ~ ' or ' ~ _fs_exact('vat_number'),
                'm': 0.95, 'u': 0.0001},
            {'label': 'else', 'm': 0.05, 'u': 0.9999},
        ]},
        {'name': 'web_domain', 'null_if': _fs_null('web_domain'), 'levels': [
            {'label': 'exact', 'when': _fs_exact('web_domain'), 'm': 0.85, 'u': 0.0005},
            {'label': 'else', 'm': 0.15, 'u': 0.9995},
        ]},
        email,
        phone,
        postcode,
        street,
        city,
    ],
}[kind]) }}
{%- endmacro %}


{% macro match_blocking_rules(kind) -%}
{{ return({
    'person': [
        ['@.last_name'],
        ['substr(@.first_name, 1, 3)', 'substr(@.last_name, 1, 3)'],
        ['@.postcode'],
        ['@.first_name', '@.postcode'],
        ['@.first_name', '@.city'],
        ['@.birth_date'],
        ['@.street'],
        ['@.email'],
        [[_fs_number('@', 'phone'), _fs_number('@', 'phone')]],
        [[_fs_number('@', 'mobile'), _fs_number('@', 'mobile')]],
        [['@.first_name', '@.last_name']],
        [['@.last_name', '@.first_name']],
    ],
    'company': [
        ['@.name'],
        ['@.org_number'],
        ['@.postcode', 'substr(@.name, 1, 3)'],
        ['@.street'],
        ['@.web_domain'],
        ['@.email'],
        [[_fs_number('@', 'phone'), _fs_number('@', 'phone')]],
    ],
}[kind]) }}
{%- endmacro %}


{#- The level number (gamma) of one comparison level, by its label. -#}
{% macro comparison_level(kind, name, label) -%}
    {%- set comparison = match_comparisons(kind) | selectattr('name', 'equalto', name) | first -%}
    {%- for level in comparison.levels -%}
        {%- if level.label == label %}{{ return(comparison.levels | length - loop.index) }}{% endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no level '" ~ label ~ "' in the " ~ kind ~ " comparison " ~ name) }}
{%- endmacro %}


{#- The level (gamma) of every comparison of a kind, one `gamma_<name>` column each, over a pair s, t. -#}
{% macro comparison_levels(kind) -%}
    {%- for comparison in match_comparisons(kind) %}
    case
        when {{ comparison.null_if }} then -1
        {%- for level in comparison.levels if level.when is defined %}
        when {{ level.when }} then {{ comparison.levels | length - loop.index }}
        {%- endfor %}
        else 0
    end as gamma_{{ comparison.name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- The comparison levels as rows (kind, comparison, level, label, m and u to start from), normalised so each
    comparison's m and u sum to one. -#}
{% macro comparison_level_rows(kind) -%}
    {%- set rows = [] -%}
    {%- for comparison in match_comparisons(kind) -%}
        {%- set m_total = comparison.levels | sum(attribute='m') -%}
        {%- set u_total = comparison.levels | sum(attribute='u') -%}
        {%- for level in comparison.levels -%}
            {%- do rows.append("('" ~ comparison.name ~ "', " ~ (comparison.levels | length - loop.index) ~ ", '"
                ~ level.label ~ "', " ~ double(level.m / m_total) ~ ", " ~ double(level.u / u_total) ~ ", "
                ~ ('true' if comparison.tf is defined and level.get('tf', loop.first) else 'false') ~ ")") -%}
        {%- endfor -%}
    {%- endfor -%}
    select * from (values {{ rows | join(', ') }})
        as levels (comparison, level, level_label, m_start, u_start, has_tf)
{%- endmacro %}


{#- The records of one side of a flow that the matching considers: not deleted, and inside the flow's filter (the
    source side's `source_filter` in seeds/flows.csv; a target side has none). -#}
{% macro flow_records(side, record_filter) -%}
    {%- set info = flow_side(side) -%}
    select keys.*
    from {{ info.keys_model }} as keys
    where not keys.is_deleted
    {%- if record_filter %}
        and keys.record_id in (
            select cast({{ info.id }} as {{ dbt.type_string() }}) from {{ info.staging }} where {{ record_filter }}
        )
    {%- endif %}
{%- endmacro %}


{#- Every pair of records (from the relations `sources` and `targets`) that one of the kind's blocking rules puts
    in one block, once, with the first rule that did (blocked_by, 1-based), among the pairs that are read: of two
    open records (is_open, a column of both relations: to be scored), or of a source in EM's sample (is_em_sample,
    a column of `sources`). A block's size is counted over all records, so the pairs do not depend on which are
    open. -#}
{% macro blocked_pairs(kind, sources, targets) -%}
    {%- set rules = match_blocking_rules(kind) -%}
    select source_id, target_id, min(rule) as blocked_by, is_open, is_em_sample
    from (
        {%- for rule in rules %}
        {%- set s_exprs, t_exprs = [], [] %}
        {%- for expr in rule %}
            {%- if expr is string %}{% set expr = [expr, expr] %}{% endif %}
            {%- do s_exprs.append(expr[0].replace('@', 'r')) %}
            {%- do t_exprs.append(expr[1].replace('@', 'r')) %}
        {%- endfor %}
        {%- set s_key = _fs_block_key(s_exprs) %}
        {%- set t_key = _fs_block_key(t_exprs) %}
        {% if not loop.first %}union all{% endif %}
        select
            s.record_id as source_id,
            t.record_id as target_id,
            {{ loop.index }} as rule,
            s.is_open and t.is_open as is_open,
            s.is_em_sample
        from (
            select record_id, is_open, is_em_sample, {{ s_key }} as block_key
            from {{ sources }} as r
            where {{ s_exprs | join(' is not null and ') }} is not null and (is_open or is_em_sample)
                and {{ s_key }} in ({{ _fs_small_blocks(sources, s_key, s_exprs) }})
        ) as s
        inner join (
            select record_id, is_open, {{ t_key }} as block_key
            from {{ targets }} as r
            where {{ t_exprs | join(' is not null and ') }} is not null
                and {{ t_key }} in ({{ _fs_small_blocks(targets, t_key, t_exprs) }})
        ) as t on t.block_key = s.block_key
        where (s.is_open and t.is_open) or s.is_em_sample
        {%- endfor %}
    ) as blocked
    group by source_id, target_id, is_open, is_em_sample
{%- endmacro %}


{#- The block keys of a side that at most match_block_cap() of its records hold (a group-by: cheaper than a count
    over a window per record). -#}
{% macro _fs_small_blocks(relation, key, exprs) -%}
    select {{ key }} from {{ relation }} as r where {{ exprs | join(' is not null and ') }} is not null
    group by {{ key }} having count(*) <= {{ match_block_cap() }}
{%- endmacro %}


{% macro _fs_block_key(exprs) -%}
    {%- set parts = [] -%}
    {%- for expr in exprs %}{% do parts.append('cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')') %}{% endfor -%}
    {{ return(parts | join(" || '|' || ")) }}
{%- endmacro %}


{#- log2(x), written with ln so every warehouse has it. -#}
{% macro log2(x) -%}(ln({{ x }}) / ln({{ double(2) }})){%- endmacro %}
