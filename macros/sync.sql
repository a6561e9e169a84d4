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


{#- `expr` as text, NULL when blank: the sync's one notion of an empty value. -#}
{% macro sync_text(expr) -%}
    nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{#- Equality where two NULLs are equal (both sides empty agree); never NULL itself. -#}
{% macro same_value(left, right) -%}
    (coalesce({{ left }} = {{ right }}, false) or ({{ left }} is null and {{ right }} is null))
{%- endmacro %}


{#-
    A value in the form the two sides are compared in (compare_as): two spellings of one value are not an edit.
    `country_iso` is the value's ISO code when the country_codes seed knows it.
-#}
{% macro sync_canonical(value, compare_as, country_iso) -%}
    case {{ compare_as }}
        when 'email' then lower({{ value }})
        when 'phone' then coalesce({{ normalise_phone(value) }}, {{ phone_kept(value) }})
        when 'country' then coalesce({{ country_iso }}, upper({{ value }}))
        when 'org_number' then coalesce({{ normalise_org_number(value) }}, upper({{ value }}))
        when 'website' then coalesce({{ normalise_web_domain(value) }}, lower({{ value }}))
        when 'decimal' then cast({{ dbt.safe_cast(value, 'decimal(18, 2)') }} as {{ dbt.type_string() }})
        when 'date' then cast({{ dbt.safe_cast(value, 'date') }} as {{ dbt.type_string() }})
        else {{ value }}
    end
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
        {{ m.reference_flow_id if m.reference_flow_id is not none else 'null' }} as reference_flow_id
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


{#- The relations the sync models read through the flows (read from the seeds when the model runs, so dbt
    cannot see them when it parses): declared for the DAG. -#}
{% macro sync_depends_on() -%}
    {%- for name in link_flow_names() %}
-- depends_on: {{ ref('link_' ~ name) }}
    {%- endfor %}
    {%- for side in match_key_sides() + ['zohocrm__deals', 'customcrm__orders'] %}
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
