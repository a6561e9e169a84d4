{#-
    The three-way merge, per attribute of each real-world thing (component: the slots of one identity cluster that
    hold one attribute, int_sync__compared_slots) whose slots disagree. Slots are compared in their compared form
    (compare_as: two forms of one value are not a difference and are never written). Each slot is compared with
    its agreed value (the value the cluster last agreed on, sync_agreed_values):

      - the slots that moved away from it were edited; when they all hold one value, it wins ('one_side');
      - edited slots that all emptied the field (a clear): the field's on_clear policy decides. `hold` (default):
        nothing is written, the clear is listed (change 'held_clear', one row per value it would erase, never
        sent; sync_held_clears); `restore`: the agreed value is written back ('restore'); `propagate`: the clear
        is an edit like any other ('one_side');
      - edited slots that disagree: conflict; a filled value beats an empty one, then the newer edit (the record's
        modified time), then the field that is read back (Billing_City over Shipping_City of one Zoho account);
      - no slot edited since the agreement, or nothing agreed at all (records the matching just linked, two agreed
        clusters joined): 'initial', a first meeting among all the slots, settled by the field's first_meeting
        policy. `quality` (default), in this order: a filled value beats an empty one; a valid value for its type
        beats an invalid one (is_valid: a phone that parses, a well-formed e-mail, an org number of its country's
        length and check digit); more information beats less (a phone with its country code; a value that
        contains another one of the component: the name with its legal form, the full street, more digits;
        mixed case over all lower or all upper; no word written twice in a row: "Fjord AS" over "Fjord AS AS");
        then the system further up the chain of flows (system_precedence: PowerOffice and WebCRM, then Zoho, then
        Custom CRM), then the field that is read back, then the system's name. Never the newer record: the
        records' modified times are mostly the push's own writes, so a sync interrupted and resumed would settle
        differently from one that ran straight through.
        A system's name as policy: its filled value wins first, then quality. `fill_empty`: only empty slots
        are written.
    A slot with nothing agreed (a record just linked, or one its API keeps refusing) takes no part in deciding what
    was edited: it gets the edit, and an edit on two agreed slots stays a logged conflict.

    The winner is written to every other slot of the component, in every system at once, so an edit in Exact
    reaches Custom CRM, Zoho and PowerOffice in the same round, and two edits travelling towards each other
    through a chain of flows cannot cross. A reference to a record that has no counterpart in the slot's system
    yet, but that a flow creates there in this plan (a contact's account, created in Custom CRM from its Zoho
    account), is written as that create's plan_key: the push writes the id the API answers.

    A twin the plan links to instead of creating a record beside it is in the cluster of the record its chain
    starts from (macros/sync.sql clusters_with_planned): they first meet here, in the plan that links them; the
    winners are written to the twin (an update) and into the creates made from that record (int_sync__creates).
-#}
-- depends_on: {{ ref('identity_clusters') }}
-- depends_on: {{ ref('int_sync__open_records') }}
-- depends_on: {{ ref('int_sync__twins_2') }}
-- depends_on: {{ ref('int_sync__twins_3') }}

with

slots as (

    select
        slots.*,
        agreed.agreed_value,
        agreed.record_id is not null as has_agreed_value
    from {{ ref('int_sync__compared_slots') }} as slots
    left join {{ ref('sync_agreed_values') }} as agreed
        on agreed.system = slots.system
        and agreed.entity = slots.entity
        and agreed.record_id = slots.record_id
        and agreed.field = slots.field
    where slots.is_known

),

differing as (

    select component_id
    from slots
    group by component_id
    having count(distinct coalesce(canonical, '')) > 1
        or (count(canonical) > 0 and count(canonical) < count(*))

),

marked as (

    select
        slots.*,
        slots.has_agreed_value and not {{ same_value('slots.canonical', 'slots.agreed_value') }} as is_edited
    from slots
    inner join differing on differing.component_id = slots.component_id

),

components as (

    select
        component_id,
        sum(case when is_edited then 1 else 0 end) as edited_slots,
        count(distinct case when is_edited then coalesce(canonical, '') end) as edited_values,
        sum(case when is_edited and canonical is not null then 1 else 0 end) as filled_edits,
        -- one policy per attribute: its fields' rows should agree (seeds/field_mappings.csv)
        coalesce(min(first_meeting), 'quality') as first_meeting,
        coalesce(min(on_clear), 'hold') as on_clear
    from marked
    group by component_id

),

{#- More information: how many other values of the component a value contains (words for text: "Fjord
    Consulting AS" contains "Fjord Consulting", "Fjord AS AS" does not contain "Fjord AS"; characters otherwise:
    "+4523760208" contains "23760208"). -#}
informed as (

    select
        marked.component_id,
        marked.system,
        marked.entity,
        marked.record_id,
        marked.field,
        count(distinct other.canonical) as contained_values
    from marked
    left join marked as other
        on other.component_id = marked.component_id
        and other.canonical <> marked.canonical
        and case
            when marked.compare_as = 'text' then {{ words_contain('marked.canonical', 'other.canonical') }}
            else position(other.canonical in marked.canonical) > 0
        end
    group by 1, 2, 3, 4, 5

),

candidates as (

    select
        marked.*,
        informed.contained_values,
        components.first_meeting as component_first_meeting,
        case
            when components.edited_slots = 0 then 'initial'
            when components.edited_values = 1 and components.filled_edits = 0 and components.on_clear = 'hold'
                then 'held_clear'
            when components.edited_values = 1 and components.filled_edits = 0 and components.on_clear = 'restore'
                then 'restore'
            when components.edited_values = 1 then 'one_side'
            else 'conflict'
        end as change
    from marked
    inner join components on components.component_id = marked.component_id
    inner join informed
        on informed.component_id = marked.component_id
        and informed.system = marked.system
        and informed.entity = marked.entity
        and informed.record_id = marked.record_id
        and informed.field = marked.field

),

eligible as (

    select *
    from candidates
    -- Only edited slots can win; where nothing was edited since an agreement, every slot can; a clear to
    -- restore is won by the slots that still hold the agreed value.
    where case change
        when 'initial' then true
        when 'restore' then not is_edited and canonical is not null
        else is_edited
    end

),

ranked as (

    select
        eligible.*,
        row_number() over (
            partition by component_id
            order by
                case when change in ('one_side', 'held_clear') then 0 when canonical is not null then 0 else 1 end,
                case when change = 'initial' and component_first_meeting = system then 0 else 1 end,
                case when change = 'initial' and not is_valid then 1 else 0 end,
                case when change = 'initial' and not has_country_code then 1 else 0 end,
                case when change = 'initial' then contained_values else 0 end desc,
                case when change = 'initial' and not is_mixed_case then 1 else 0 end,
                case when change = 'initial' and {{ repeats_a_word('canonical') }} then 1 else 0 end,
                case when change = 'initial' then {{ system_precedence('system') }} else 0 end,
                case when change in ('initial', 'restore') then null else modified_at end desc,
                case when is_read_back then 0 else 1 end,
                system,
                entity,
                record_id,
                field
        ) as candidate_rank
    from eligible

),

winners as (

    select * from ranked where candidate_rank = 1

),

{#- The identity clusters, each record the plan creates from that is in none yet as a cluster of its own, and
    the twins the plan links to in their roots' clusters. -#}
members as (

    {{ clusters_with_planned() }}

),

{#- Per cluster, the record of each system and entity a reference to it is written as. One: an identity cluster
    holds one record of each, and where a twin the plan links to joins a cluster that holds a record of its
    entity too, the first of them stands for it. -#}
referenced_records as (

    select cluster_id, system, entity, min(record_id) as record_id
    from members
    group by 1, 2, 3

),

{#- Per cluster and target: the create a flow plans for one of its records. (Used only where the cluster has no
    record in that target: its records are not linked in such a flow, so the flow creates them unless a link of
    it was closed; a reference to such a create waits, in the push, saying it was not created.) -#}
planned_parents as (

    select
        members.cluster_id,
        flows.target_system,
        flows.target_entity,
        -- a record the plan links to an earlier flow's create of its twin (int_sync__twins_1): that create
        min(coalesce(
            twins.target_id, 'create:' || cast(flows.flow_id as {{ dbt.type_string() }}) || ':' || members.record_id
        )) as plan_key
    from members
    inner join {{ ref('flows') }} as flows
        on flows.enabled
        and flows.source_system = members.system
        and flows.source_entity = members.entity
    left join {{ ref('int_sync__twins_1') }} as twins
        on twins.flow_id = flows.flow_id
        and twins.source_id = members.record_id
    group by 1, 2, 3

)

select
    ----------  the slot written
    marked.component_id,
    marked.cluster_id,
    marked.system,
    marked.entity,
    marked.record_id,
    marked.field,
    marked.flow_id,
    marked.value_type,
    marked.value as old_value,
    marked.agreed_value,
    marked.is_edited,
    marked.modified_at,

    ----------  the winning slot
    winners.system as winner_system,
    winners.entity as winner_entity,
    winners.record_id as winner_record_id,
    winners.field as winner_field,
    winners.value as winner_value,
    winners.canonical as winner_canonical,
    winners.modified_at as winner_modified_at,
    winners.change,

    ----------  what is written: the winner's value in the slot's form (a reference as its own system's id)
    case
        when marked.compare_as = 'reference' then coalesce(referenced.record_id, planned.plan_key)
        else winners.written
    end as new_value

from marked
inner join winners on winners.component_id = marked.component_id
left join referenced_records as referenced
    on marked.compare_as = 'reference'
    and referenced.cluster_id = winners.canonical
    and referenced.system = marked.parent_system
    and referenced.entity = marked.parent_entity
left join planned_parents as planned
    on marked.compare_as = 'reference'
    and referenced.record_id is null
    and planned.cluster_id = winners.canonical
    and planned.target_system = marked.parent_system
    and planned.target_entity = marked.parent_entity
where not {{ same_value('marked.canonical', 'winners.canonical') }}
    -- A reference whose record has no counterpart in the slot's system, and none planned, cannot be written.
    and (
        marked.compare_as <> 'reference' or winners.canonical is null
        or referenced.record_id is not null or planned.plan_key is not null
    )
    -- fill_empty: a first meeting fills empty fields and leaves differing filled ones as they are.
    and not (winners.change = 'initial' and winners.component_first_meeting = 'fill_empty'
        and marked.canonical is not null)
