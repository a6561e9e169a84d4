{#-
    Every field of every linked record that a flow maps (a "slot": system, entity, record, field), once, with the
    attribute it holds and the identity cluster of its record. The slots of one cluster and one attribute
    (component_id) are what the sync keeps equal: Zoho Account_Name, PowerOffice Name, Custom CRM Name, Exact Name
    and WebCRM OrganisationName of one company, whatever chain of flows joins them.

    References are compared as the identity cluster of the record they point to (a contact's company is the same
    company in every system), and written as that cluster's record in the slot's own system. A record in no
    cluster that the plan creates from is a cluster of its own (clusters_with_planned), so a reference to it is
    merged in the plan that creates it; a twin the plan links to is in the cluster of the record its chain starts
    from, and both have slots (int_sync__field_values), so they first meet in that plan.

    A slot whose value is invalid (problem: a control character, a number that does not fit, macros/value_checks.sql)
    is not known: it takes no part in the merge, neither as an edit nor as a clear, and receives no write, so the
    other systems keep the agreed value and the invalid record waits until it is fixed where it was entered.
-#}
-- depends_on: {{ ref('int_sync__field_values') }}
-- depends_on: {{ ref('identity_clusters') }}
-- depends_on: {{ ref('int_sync__open_records') }}
-- depends_on: {{ ref('int_sync__twins_1') }}
-- depends_on: {{ ref('int_sync__twins_2') }}
-- depends_on: {{ ref('int_sync__twins_3') }}
-- depends_on: {{ ref('flows') }}
{%- set flows = sync_flows() %}
{%- set text = dbt.type_string() %}

with

{% if flows -%}
edges as (

    select * from {{ ref('int_sync__field_values') }}

),

sides as (

    select
        flow_id,
        source_system as system,
        source_entity as entity,
        source_id as record_id,
        source_field as field,
        compare_as,
        target_type as value_type,
        source_value as value,
        source_canonical as canonical,
        source_for_target as written,
        source_problem as problem,
        source_raw as raw_value,
        true as is_read_back,
        source_modified_at as modified_at
    from edges
    -- a planned twin's record names one side only
    where source_id is not null

    union all

    select
        flow_id,
        target_system as system,
        target_entity as entity,
        target_id as record_id,
        target_field as field,
        compare_as,
        target_type as value_type,
        target_value as value,
        target_canonical as canonical,
        target_for_source as written,
        target_problem as problem,
        target_raw as raw_value,
        read_back as is_read_back,
        target_modified_at as modified_at
    from edges
    where target_id is not null

),

slots as (

    select
        system,
        entity,
        record_id,
        field,
        min(flow_id) as flow_id,
        min(compare_as) as compare_as,
        min(value_type) as value_type,
        min(value) as value,
        min(canonical) as canonical,
        min(written) as written,
        min(problem) as problem,
        min(raw_value) as raw_value,
        max(case when is_read_back then 1 else 0 end) = 1 as is_read_back,
        max(modified_at) as modified_at
    from sides
    group by 1, 2, 3, 4

),

classes as (

    {{ field_classes(flows) }}

),

clusters as (

    {{ clusters_with_planned() }}

)

select
    ----------  the component: one attribute of one real-world thing
    clusters.cluster_id || '|' || classes.class_id as component_id,
    clusters.cluster_id,
    classes.class_id,

    ----------  the slot
    slots.system,
    slots.entity,
    slots.record_id,
    slots.field,
    slots.flow_id,
    slots.compare_as,
    slots.value_type,
    slots.is_read_back,

    ----------  its value
    slots.value,
    case
        when slots.compare_as = 'reference' then referenced.cluster_id
        else slots.canonical
    end as canonical,
    case when slots.compare_as = 'reference' then cast(null as {{ text }}) else slots.written end as written,
    classes.parent_system,
    classes.parent_entity,
    slots.problem,
    slots.raw_value,
    -- A reference to a record in no cluster (nor planned) cannot be compared; an invalid value is no value to merge.
    (slots.compare_as <> 'reference' or slots.value is null or referenced.cluster_id is not null)
        and slots.problem is null as is_known,

    ----------  timestamps
    slots.modified_at

from slots
inner join classes
    on classes.system = slots.system
    and classes.entity = slots.entity
    and classes.field = slots.field
inner join clusters
    on clusters.system = slots.system
    and clusters.entity = slots.entity
    and clusters.record_id = slots.record_id
left join clusters as referenced
    on slots.compare_as = 'reference'
    and referenced.system = classes.parent_system
    and referenced.entity = classes.parent_entity
    and referenced.record_id = slots.value
{%- else %}
nothing as (select 1 as n)
select cast(null as {{ text }}) as component_id
from nothing
where 1 = 0
{%- endif %}
