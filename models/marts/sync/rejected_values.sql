{#-
    Every value the sync refuses to carry, one row per record and field (models/marts/sync/_sync__models.yml
    documents the columns): the synced fields whose value breaks a rule (macros/value_checks.sql: control
    characters, line breaks in a single-line field, numbers the sync cannot carry, impossible dates), and every
    staging column whose raw value failed its cast, synced or not. The value is quarantined for that record and
    field: not written anywhere, not read as empty, and the other fields and records sync.
-#}
{{ sync_depends_on() }}
{%- set flows = sync_flows() %}
{%- set text = dbt.type_string() %}
{%- set checked = {} %}
{%- for flow in flows %}
    {%- for m in flow.mappings %}
        {%- for side, column, field in [
            (flow.source_system ~ '__' ~ flow.source_entity, m.source_column, m.source_field),
            (flow.target_system ~ '__' ~ flow.target_entity, m.target_column, m.target_field),
        ] %}
            {%- do checked.setdefault(side, {}).setdefault(column, {'field': field, 'compare_as': m.compare_as}) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}
{%- set sides = [] %}
{%- for side in flow_sides() %}
    {%- set s = flow_side(side, with_keys=false) %}
    {%- set kept = raw_kept_columns(s.staging) %}
    {%- set columns = checked.get(side, {}) %}
    {#- A kept raw column that no flow maps is checked only for a failed cast (as text: nothing else applies). #}
    {%- for name in kept if name not in columns %}
        {%- do columns.update({name: {'field': name, 'compare_as': 'text'}}) %}
    {%- endfor %}
    {%- if columns %}
        {%- do sides.append({'side': s, 'kept': kept, 'columns': columns}) %}
    {%- endif %}
{%- endfor %}

with

found as (

    {%- for checked_side in sides %}
    {%- set s = checked_side.side %}
    {%- set names = checked_side.columns.keys() | list %}
    {% if not loop.first %}union all{% endif %}

    select
        '{{ s.system }}' as system,
        '{{ s.entity }}' as entity,
        cast(s.{{ s.id }} as {{ text }}) as record_id,
        c.field,
        c.column_name,
        coalesce({{ mapped_raw('s', 'c.column_name', checked_side.kept) }}, {{ mapped_column('s', 'c.column_name', names) }})
            as raw_value,
        {{ value_problem(
            mapped_column('s', 'c.column_name', names), mapped_raw('s', 'c.column_name', checked_side.kept),
            'c.compare_as', 'c.column_name'
        ) }} as rule
    from {{ s.staging }} as s
    cross join (
        {%- for name in names %}
        {% if not loop.first %}union all {% endif -%}
        select
            '{{ name }}' as column_name,
            '{{ checked_side.columns[name].field }}' as field,
            '{{ checked_side.columns[name].compare_as }}' as compare_as
        {%- endfor %}
    ) as c
    {%- else %}
    select
        {%- for column in ['system', 'entity', 'record_id', 'field', 'column_name', 'raw_value', 'rule'] %}
        cast(null as {{ text }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- endfor %}

)

select
    ----------  where
    system,
    entity,
    record_id,
    field,
    column_name,

    ----------  what and why
    raw_value,
    rule,
    {{ invalid_value_reason('system', 'entity', 'record_id', 'field', 'rule') }} as reason,

    ----------  timestamps
    {{ run_timestamp() }} as found_at

from found
where rule is not null
