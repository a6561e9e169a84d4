{#-
    The sync's SQL: each flow's mapped fields side by side for every active link (sync_field_values), the source
    records a flow still has to create (sync_create_values), and the value checks against the targets' limits.
    Everything is generated from the seeds (flows, field_mappings, field_limits): adding a mapped field is a row
    there, never an edit here.
-#}

{#- Rows of a seed as a list of dicts, read when the model runs (seeds are built before the models). -#}
{% macro seed_rows(name, where='1 = 1', order_by='1') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set nodes = graph.get('nodes', {}).values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', name) | list -%}
    {%- set relation = nodes[0].relation_name if nodes
        else api.Relation.create(database=target.database, schema=target.schema, identifier=name) -%}
    {%- set table = run_query('select * from ' ~ relation ~ ' where ' ~ where ~ ' order by ' ~ order_by) -%}
    {%- set rows = [] -%}
    {%- for r in table.rows -%}
        {%- set row = {} -%}
        {%- for column in table.column_names -%}
            {%- do row.update({column: r[column]}) -%}
        {%- endfor -%}
        {%- do rows.append(row) -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}


{#- The enabled flows, each with its mapping rows (seeds/flows.csv, seeds/field_mappings.csv). -#}
{% macro sync_flows() -%}
    {%- set _flows = ref('flows') -%}
    {%- set _mappings = ref('field_mappings') -%}
    {%- set flows = seed_rows('flows', where='enabled', order_by='flow_id') -%}
    {%- for flow in flows -%}
        {%- do flow.update({'mappings': seed_rows('field_mappings', where='flow_id = ' ~ flow.flow_id,
            order_by='source_field, read_back desc, target_field')}) -%}
    {%- endfor -%}
    {{ return(flows | selectattr('mappings') | list) }}
{%- endmacro %}


{#-
    A system's place in the chain of enabled flows, as a SQL expression over `system_expr`: 0 for a system no flow
    writes into (PowerOffice, WebCRM), then one more than the system feeding it (Zoho 1, Custom CRM 2, Exact and
    CRMOffice 3). When records first meet, the value from further up the chain wins: it is what the flows would have
    carried down had the records been created by them, and it does not depend on when anything was written. Systems
    of one level are ordered by name (merge order only needs to be stable).
-#}
{% macro system_precedence(system_expr) -%}
    {%- set flows = sync_flows() -%}
    {%- set depth = {} -%}
    {%- for flow in flows -%}
        {%- do depth.update({flow.source_system: 0, flow.target_system: 0}) -%}
    {%- endfor -%}
    {#- Longest path from a system no flow writes into; bounded, so a cycle of flows cannot loop. -#}
    {%- for _ in depth -%}
        {%- for flow in flows if depth[flow.target_system] < depth[flow.source_system] + 1 -%}
            {%- do depth.update({flow.target_system: depth[flow.source_system] + 1}) -%}
        {%- endfor -%}
    {%- endfor -%}
    case {{ system_expr }}
        {%- for system, level in depth | dictsort %}
        when '{{ system }}' then {{ level }}
        {%- endfor %}
        else {{ depth | length + 1 }}
    end
{%- endmacro %}


{#-
    `expr` as text, NULL when blank: the sync's one notion of an empty value. Blank is also a value made only of
    whitespace and invisible characters (no-break spaces, zero-width spaces and joiners, the byte-order mark),
    which people cannot tell from an empty field; they are trimmed from both ends of every value too.
-#}
{% macro sync_text(expr) -%}
    {%- set blank = '[[:space:]  ᠎ -‏ -  -⁤　﻿]+' -%}
    nullif({{ regex_replace_all('cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')', '^' ~ blank ~ '|' ~ blank ~ '$', '') }}, '')
{%- endmacro %}


{#- Equality where two NULLs are equal (both sides empty agree); never NULL itself. -#}
{% macro same_value(left, right) -%}
    (coalesce({{ left }} = {{ right }}, false) or ({{ left }} is null and {{ right }} is null))
{%- endmacro %}


{#-
    A value in the form the two sides are compared in (compare_as): two forms of one value are not an edit, so they
    are never written over each other and count as agreed. Text: case, accents, spacing and punctuation aside
    (sync_fold_text); e-mail: lower case without spaces or mailto:; phone: digits and a leading plus only (the
    E.164 form needs the record's country: int_sync__compared_slots); country: the ISO code; org_number: the
    registry number without country prefix or MVA (NO 923 456 789 MVA = 923456789: a Norwegian or Danish VAT
    number is the registry number); website: the host without scheme, www or path; decimal and date: the value.
    `country_iso` is the value's ISO code when the country_codes seed knows it.
-#}
{% macro sync_canonical(value, compare_as, country_iso) -%}
    case {{ compare_as }}
        when 'text' then {{ sync_fold_text(value) }}
        when 'email' then coalesce({{ normalise_email(value) }}, lower({{ value }}))
        when 'phone' then {{ phone_kept(value) }}
        when 'country' then coalesce({{ country_iso }}, upper({{ value }}))
        when 'org_number' then coalesce({{ normalise_org_number(value) }}, upper({{ value }}))
        when 'website' then coalesce({{ normalise_web_domain(value) }}, lower({{ value }}))
        when 'decimal' then cast({{ dbt.safe_cast(value, 'decimal(18, 2)') }} as {{ dbt.type_string() }})
        when 'date' then cast({{ dbt.safe_cast(value, 'date') }} as {{ dbt.type_string() }})
        else {{ value }}
    end
{%- endmacro %}


{#-
    Text as a person compares it: lower case in every script, accents and ø, æ, ß folded (ascii_fold), dots,
    slashes and apostrophes dropped (A/S = A.S. = AS), any other run of punctuation, symbols and spaces one space,
    and a Norwegian legal form written in front taken to the end ("AS Fjord" = "Fjord AS"). A value with nothing left (only symbols or emoji) is compared as written, never as empty.
-#}
{% macro sync_fold_text(expr) -%}
    {%- set dropped = regex_replace_all(ascii_fold(expr), "[./''’]", '') -%}
    {%- set words = 'trim(' ~ regex_replace_all(dropped, text_separators(), ' ') ~ ')' -%}
    coalesce(nullif({{ regex_replace_all(words, '^(as|asa) (.+)$', '\\2 \\1') }}, ''), {{ expr }})
{%- endmacro %}

{#- A regular expression for a run of punctuation, symbols and spaces, in any script. -#}
{% macro text_separators() -%}
    {{ return(adapter.dispatch('text_separators', 'crm_sync')()) }}
{%- endmacro %}

{#- RE2's Unicode classes. -#}
{% macro duckdb__text_separators() -%}
    {{ return('[\\pP\\pS\\pZ[:space:]]+') }}
{%- endmacro %}

{#- PostgreSQL's POSIX classes follow the database's locale (UTF-8: every script's punctuation). -#}
{% macro default__text_separators() -%}
    {{ return('[[:punct:][:space:]]+') }}
{%- endmacro %}


{#- A value as it is written to the other side: ISO countries, plain numbers and dates, else as the user wrote it. -#}
{% macro sync_written(value, compare_as, country_iso) -%}
    case {{ compare_as }}
        when 'country' then coalesce({{ country_iso }}, {{ value }})
        when 'decimal' then cast({{ dbt.safe_cast(value, 'decimal(18, 2)') }} as {{ dbt.type_string() }})
        when 'date' then cast({{ dbt.safe_cast(value, 'date') }} as {{ dbt.type_string() }})
        else {{ value }}
    end
{%- endmacro %}


{#- CASE that picks, per mapping row, the staging column it names (one join per flow, not one per field). -#}
{% macro mapped_column(alias, column_key, columns) -%}
    case {{ column_key }}
        {%- for column in columns | unique %}
        when '{{ column }}' then {{ sync_text(alias ~ '.' ~ column) }}
        {%- endfor %}
    end
{%- endmacro %}


{#- The flow's mapping rows as an inline relation (a VALUES list; no seed join in the hot path). -#}
{% macro mapping_rows(flow) -%}
    {%- for m in flow.mappings %}
    {% if not loop.first %}union all {% endif -%}
    select
        '{{ m.source_field }} > {{ m.target_field }}' as mapping_key,
        '{{ m.source_field }}' as source_field,
        '{{ m.source_column }}' as source_column,
        '{{ m.target_field }}' as target_field,
        '{{ m.target_column }}' as target_column,
        '{{ m.target_type }}' as target_type,
        '{{ m.compare_as }}' as compare_as,
        {{ 'true' if m.read_back else 'false' }} as read_back,
        {#- Typed: a union whose first row has a bare null cannot infer its type on PostgreSQL. #}
        cast({{ m.reference_flow_id if m.reference_flow_id is not none else 'null' }} as {{ dbt.type_int() }})
            as reference_flow_id
    {%- endfor %}
{%- endmacro %}


{#- The flow's source filter (seeds/flows.csv source_filter, e.g. `is_person`) over alias, or true. -#}
{% macro flow_filter(flow, alias) -%}
    {%- if flow.source_filter -%}
        {%- set words = flow.source_filter.split() -%}
        {{ 'not ' if words[0] == 'not' else '' }}coalesce({{ alias }}.{{ words[-1] }}, false)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Every link table's active links, for translating references (a contact's account) between systems. -#}
{% macro active_links() -%}
    {%- for name in link_flow_names() %}
    {% if not loop.first %}union all {% endif -%}
    select flow_id, source_id, target_id from {{ ref('link_' ~ name) }} where is_active
    {%- endfor %}
{%- endmacro %}


{#-
    A table the push writes (reverse_etl.<name>), or an empty relation with the given columns before the push has
    run once (columns: name → SQL type).
-#}
{% macro push_table(name, columns) -%}
    {%- set declared = source('reverse_etl', name) -%}
    {%- set is_fixture = declared is string or declared.database is none
        or (declared.identifier or '').startswith('__dbt__cte__') -%}
    {%- set found = declared if is_fixture else (load_relation(declared) if execute else none) -%}
    {%- if found is not none -%}
    (select {{ columns.keys() | join(', ') }} from {{ declared }})
    {%- else -%}
    (select
        {%- for column, type in columns.items() %}
        cast(null as {{ type }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
     where 1 = 0)
    {%- endif -%}
{%- endmacro %}


{#-
    The plan_keys of the creates the push refused in the last run that had them (rejected by the plan's value checks
    or the API, or held: the API's refusal of the same payload carried): the plan does not count on them landing. A
    create that failed in transit (a timeout, a 5xx, a lost answer) or waited is not refused: it is sent again once
    it can be, so a later flow's twin of it is still linked to it (int_sync__twins_1) or waits for it
    (int_sync__creates) rather than being created beside it. A derived table with its alias, to select from.
-#}
{% macro refused_creates() -%}
    {%- set text = dbt.type_string() -%}
    {%- set outcomes = push_table('push_outcomes', {'run_id': text, 'plan_key': text, 'status': text}) -%}
    (select distinct last_run.plan_key
     from (
        select plan_key, status, run_id, max(run_id) over (partition by plan_key) as last_run_id
        from {{ outcomes }} as outcomes
        where plan_key like 'create:%'
     ) as last_run
     where last_run.run_id = last_run.last_run_id and last_run.status in ('rejected', 'held')) as refused
{%- endmacro %}


{#-
    Why a value cannot be written to system.entity.field (seeds/field_limits.csv), or NULL when it can. `limits` is
    the alias of the field_limits row joined on the write (NULL columns when the field has no row).
-#}
{% macro value_rejection(value, limits, field, action) -%}
    case
        when {{ value }} is null and {{ limits }}.required
            then {{ field }} || ' is required: '
                || case when {{ action }} = 'create' then 'the source record has no value for it'
                    else 'the other side emptied it; an empty value is not written over it' end
        when {{ limits }}.format = 'email' and not {{ regex_full_match(value, '[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+') }}
            then {{ field }} || ' is not an e-mail address: ' || {{ value }}
        when {{ limits }}.format = 'phone' and not {{ regex_full_match(value, '[+]?[0-9 ()+./-]{3,30}') }}
            then {{ field }} || ' is not a phone number: ' || {{ value }}
        when {{ limits }}.format = 'country' and not {{ regex_full_match(value, '[A-Z]{2}') }}
            then {{ field }} || ' is not an ISO 3166 country code: ' || {{ value }}
        -- After the formats: what is wrong with a value says more than its length.
        when {{ limits }}.max_length is not null and length({{ value }}) > {{ limits }}.max_length
            then {{ field }} || ' is ' || cast(length({{ value }}) as {{ dbt.type_string() }})
                || ' characters; the target accepts at most ' || cast({{ limits }}.max_length as {{ dbt.type_string() }})
    end
{%- endmacro %}


{#- The identity clusters as the plan makes them, named as identity_clusters names a cluster by its anchor:

    - each record the plan creates from (or links to a twin) that is in no cluster yet is a cluster of its own, so
      a reference to it (a WebCRM person's organisation that flow 4 creates or links in this plan) is merged in the
      same plan, and written as the plan_key of its create (int_sync__field_decisions), not a round later;
    - a twin the plan links to (planned_twins) is one with the record its chain starts from: their two clusters
      are one (the smallest name of the joined clusters names it), so the twin's values take part in the first
      meeting in the plan that links it, not in the round after the push recorded the link. -#}
{% macro clusters_with_planned() -%}
    {%- set name = dbt.concat(['planned.system', "':'", 'planned.entity', "':'", 'planned.record_id']) -%}
    with recursive

    twins as (

        {{ planned_twins() }}

    ),

    planned as (

        select root_system as system, root_entity as entity, root_id as record_id
        from {{ ref('int_sync__open_records') }}
        union
        select twin_system, twin_entity, twin_id from twins

    ),

    own as (

        select cluster_id, system, entity, record_id from {{ ref('identity_clusters') }}
        union all
        select {{ dbt.hash(name) }} as cluster_id, planned.system, planned.entity, planned.record_id
        from planned
        where not exists (
            select 1 from {{ ref('identity_clusters') }} as clustered
            where clustered.system = planned.system
                and clustered.entity = planned.entity
                and clustered.record_id = planned.record_id
        )

    ),

    joined as (

        select root.cluster_id as from_id, twin.cluster_id as to_id
        from twins
        inner join own as root
            on root.system = twins.root_system
            and root.entity = twins.root_entity
            and root.record_id = twins.root_id
        inner join own as twin
            on twin.system = twins.twin_system
            and twin.entity = twins.twin_entity
            and twin.record_id = twins.twin_id

    ),

    edges as (

        select from_id, to_id from joined
        union
        select to_id, from_id from joined

    ),

    {#- Every cluster a cluster is joined to through any number of planned twins (itself included). #}
    reach (cluster_id, reached_id) as (

        select from_id, to_id from edges
        union
        select reach.cluster_id, edges.to_id
        from reach
        inner join edges on edges.from_id = reach.reached_id

    ),

    merged as (

        select cluster_id, min(reached_id) as merged_id from reach group by cluster_id

    )

    select coalesce(merged.merged_id, own.cluster_id) as cluster_id, own.system, own.entity, own.record_id
    from own
    left join merged on merged.cluster_id = own.cluster_id
{%- endmacro %}


{#- The two records each link the plan makes to a twin joins (int_sync__twins_<level>): the record its chain
    starts from (root: a system holds it, the source of root_flow_id) and the twin (a system holds it, the
    twin_side of twin_flow_id), with both records' system and entity. -#}
{% macro planned_twins() -%}
    select
        twins.root_flow_id,
        roots.source_system as root_system,
        roots.source_entity as root_entity,
        twins.root_id,
        twins.twin_flow_id,
        twins.twin_side,
        case twins.twin_side when 'source' then sides.source_system else sides.target_system end as twin_system,
        case twins.twin_side when 'source' then sides.source_entity else sides.target_entity end as twin_entity,
        twins.twin_id
    from (
        {%- for level in range(1, 4) %}
        {% if not loop.first %}union all {% endif -%}
        select root_flow_id, root_id, twin_flow_id, twin_side, twin_id from {{ ref_twins(level) }}
        {%- endfor %}
    ) as twins
    inner join {{ ref('flows') }} as roots on roots.flow_id = twins.root_flow_id
    inner join {{ ref('flows') }} as sides on sides.flow_id = twins.twin_flow_id
{%- endmacro %}


{#- The relations the sync models read through the flows (read from the seeds when the model runs, so dbt
    cannot see them when it parses): declared for the DAG. -#}
{% macro sync_depends_on() -%}
    {%- for name in link_flow_names() %}
-- depends_on: {{ ref('link_' ~ name) }}
    {%- endfor %}
    {%- for side in flow_sides() %}
-- depends_on: {{ ref('stg_' ~ side) }}
-- depends_on: {{ ref('stg_' ~ side ~ '_deleted') }}
    {%- endfor %}
-- depends_on: {{ ref('country_codes') }}
-- depends_on: {{ ref('field_mappings') }}
-- depends_on: {{ ref('flows') }}
{%- endmacro %}


{#-
    The fields that hold one attribute across the systems: the connected groups of (system, entity, field) that
    the enabled flows' mapping rows join (PowerOffice MailAddress.City, Zoho Billing_City and Shipping_City, Custom
    CRM City, ...). Computed here from the seeds, as an inline relation (system, entity, field, class_id,
    parent_system, parent_entity); parent_* name the entity a reference field points to.
-#}
{% macro field_classes(flows) -%}
    {%- set all_flows = {} -%}
    {%- for f in seed_rows('flows') -%}
        {%- do all_flows.update({f.flow_id | int: f}) -%}
    {%- endfor -%}
    {%- set nodes = {} -%}
    {%- set parents = {} -%}
    {%- set edges = [] -%}
    {%- for flow in flows -%}
        {%- for m in flow.mappings -%}
            {%- set a = flow.source_system ~ '|' ~ flow.source_entity ~ '|' ~ m.source_field -%}
            {%- set b = flow.target_system ~ '|' ~ flow.target_entity ~ '|' ~ m.target_field -%}
            {%- do nodes.update({a: a, b: b}) -%}
            {%- do edges.append((a, b)) -%}
            {%- if m.reference_flow_id is not none -%}
                {%- set via = all_flows[m.reference_flow_id | int] -%}
                {%- do parents.update({a: (via.source_system, via.source_entity),
                                       b: (via.target_system, via.target_entity)}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- Each edge merges its two groups whole (every field labelled with either label takes the smaller one), so
        one pass over the edges leaves one label per connected group. -#}
    {%- for a, b in edges -%}
        {%- set pair = (nodes[a], nodes[b]) -%}
        {%- set low = pair | min -%}
        {%- for node, label in nodes.items() if label in pair -%}
            {%- do nodes.update({node: low}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for node, label in nodes.items() %}
    {%- set system, entity, field = node.split('|') %}
    {%- set parent = parents.get(node, (none, none)) %}
    {% if not loop.first %}union all {% endif -%}
    select '{{ system }}' as system, '{{ entity }}' as entity, '{{ field }}' as field, '{{ label }}' as class_id,
        {{ "'" ~ parent[0] ~ "'" if parent[0] else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as parent_system,
        {{ "'" ~ parent[1] ~ "'" if parent[1] else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as parent_entity
    {%- endfor %}
{%- endmacro %}


{#-
    Each synced field's policy (seeds/field_mappings.csv first_meeting, normalise, on_clear), as an inline relation
    (system, entity, field, first_meeting, normalise, on_clear): both sides of every enabled mapping row. A field
    that several rows name takes the first row's policy in sort order (the rows of one attribute should agree).
-#}
{% macro field_policies(flows) -%}
    {%- set policies = {} -%}
    {%- for flow in flows -%}
        {%- for m in flow.mappings -%}
            {%- set policy = (m.first_meeting or 'quality', m.normalise or false, m.on_clear or 'hold') -%}
            {%- for side in [(flow.source_system, flow.source_entity, m.source_field),
                             (flow.target_system, flow.target_entity, m.target_field)] -%}
                {%- set key = side | join('|') -%}
                {%- if key not in policies or policy < policies[key] -%}
                    {%- do policies.update({key: policy}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for key, policy in policies | dictsort %}
    {%- set system, entity, field = key.split('|') %}
    {% if not loop.first %}union all {% endif -%}
    select '{{ system }}' as system, '{{ entity }}' as entity, '{{ field }}' as field,
        '{{ policy[0] }}' as first_meeting, {{ 'true' if policy[1] else 'false' }} as normalise,
        '{{ policy[2] }}' as on_clear
    {%- endfor %}
{%- endmacro %}


{#-
    Whether a registry number (normalise_org_number's form: no country prefix, no MVA) is one of its country's:
    Norway 9 digits with the MOD11 check digit, Denmark 8 (CVR, weights 2765432 1), the Netherlands 8 (KvK), the
    UK 8 digits or two letters and 6 (SC, NI, OC, ...), Sweden 10, Finland 8; elsewhere 6 digits or more. A VAT
    number of the Netherlands or the UK (another kind of number) is not valid in an org-number field.
-#}
{% macro org_number_valid(number, country) -%}
    case {{ country }}
        when 'NO' then {{ regex_full_match(number, '[0-9]{9}') }} and {{ mod11_sum(number, [3, 2, 7, 6, 5, 4, 3, 2, 1]) }} = 0
        when 'DK' then {{ regex_full_match(number, '[0-9]{8}') }} and {{ mod11_sum(number, [2, 7, 6, 5, 4, 3, 2, 1]) }} = 0
        when 'NL' then {{ regex_full_match(number, '[0-9]{8}') }}
        when 'GB' then {{ regex_full_match(number, '[0-9]{8}|[A-Z]{2}[0-9]{6}') }}
        when 'SE' then {{ regex_full_match(number, '[0-9]{10}') }}
        when 'FI' then {{ regex_full_match(number, '[0-9]{8}') }}
        else length({{ regex_replace_all(number, '[^0-9]', '') }}) >= 6
    end
{%- endmacro %}

{#- The weighted sum of a number's digits modulo 11 (a digit that is not one counts as NULL). -#}
{% macro mod11_sum(number, weights) -%}
    ({% for w in weights %}{{ dbt.safe_cast('substr(' ~ number ~ ', ' ~ loop.index ~ ', 1)', 'integer') }} * {{ w }}{{ ' + ' if not loop.last }}{% endfor %}) % 11
{%- endmacro %}


{#- Whether the words of `whole` include every word of `part` and at least one more (a legal form, a street
    number): more information, not the same words repeated ("Fjord AS AS" is not more than "Fjord AS"). -#}
{% macro words_contain(whole, part) -%}
    {{ return(adapter.dispatch('words_contain', 'crm_sync')(whole, part)) }}
{%- endmacro %}

{% macro duckdb__words_contain(whole, part) -%}
    (list_has_all(string_split({{ whole }}, ' '), string_split({{ part }}, ' '))
        and not list_has_all(string_split({{ part }}, ' '), string_split({{ whole }}, ' ')))
{%- endmacro %}

{% macro default__words_contain(whole, part) -%}
    (string_to_array({{ whole }}, ' ') @> string_to_array({{ part }}, ' ')
        and not string_to_array({{ part }}, ' ') @> string_to_array({{ whole }}, ' '))
{%- endmacro %}


{#- Whether a folded text (words split by one space) holds one word twice in a row: "fjord as as", a legal form
    written twice, is a worse form of "fjord as" (adapter-dispatched; RE2 has no back-references). -#}
{% macro repeats_a_word(text) -%}
    {{ return(adapter.dispatch('repeats_a_word', 'crm_sync')(text)) }}
{%- endmacro %}

{% macro duckdb__repeats_a_word(text) -%}
    coalesce(list_bool_or(list_transform(
        list_zip(string_split({{ text }}, ' ')[:-2], string_split({{ text }}, ' ')[2:]),
        lambda pair: pair[1] = pair[2]
    )), false)
{%- endmacro %}

{% macro default__repeats_a_word(text) -%}
    coalesce({{ text }} ~ '(^| )([^ ]+) \2( |$)', false)
{%- endmacro %}
