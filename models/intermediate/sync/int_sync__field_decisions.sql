{#-
    The three-way merge, per mapped field of every active link where the two sides differ:

      - only one side moved away from the agreed value     → that side wins (change 'one_side');
      - both moved and disagree                            → conflict: the newer edit (record modified time)
                                                             wins, an empty value never overwrites a filled one;
      - no agreed value yet (a link the matching just made) → 'initial': resolved like a conflict.

    A field that feeds several target fields (MailAddress.City → Billing_City, Shipping_City) is read back only
    from its first target (read_back), unless only another one was edited; a field that is not read back never
    overwrites the source in a conflict or an initial difference.
-#}

with

compared as (

    select
        v.*,
        agreed.agreed_value,
        agreed.link_id is not null as has_agreed_value
    from {{ ref('int_sync__field_values') }} as v
    left join {{ ref('sync_agreed_values') }} as agreed
        on agreed.link_id = v.link_id
        and agreed.mapping_key = v.mapping_key
    where v.is_source_known
        and not {{ same_value('v.source_canonical', 'v.target_canonical') }}

),

classified as (

    select
        compared.*,
        case
            when has_agreed_value
                and not {{ same_value('source_canonical', 'agreed_value') }}
                and {{ same_value('target_canonical', 'agreed_value') }}
                then 'one_side'
            when has_agreed_value
                and {{ same_value('source_canonical', 'agreed_value') }}
                and not {{ same_value('target_canonical', 'agreed_value') }}
                then 'one_side'
            when has_agreed_value then 'conflict'
            else 'initial'
        end as change,
        case
            when has_agreed_value and {{ same_value('target_canonical', 'agreed_value') }} then 'source'
            when has_agreed_value and {{ same_value('source_canonical', 'agreed_value') }} then 'target'
            -- Both sides moved (or nothing was agreed yet): a filled value beats an empty one, then the newer edit.
            when source_canonical is null then 'target'
            when target_canonical is null then 'source'
            when target_modified_at > source_modified_at then 'target'
            else 'source'
        end as newer_side
    from compared

),

decided as (

    select
        classified.*,
        case
            when newer_side = 'source' then 'to_target'
            when not is_target_known then 'none'
            when read_back or change = 'one_side' then 'to_source'
            when source_canonical is null then 'none'
            else 'to_target'
        end as direction
    from classified

)

select
    ----------  the link and field
    flow_id,
    link_id,
    mapping_key,
    source_system,
    source_entity,
    source_id,
    source_field,
    target_system,
    target_entity,
    target_id,
    target_field,
    target_type,
    compare_as,
    read_back,

    ----------  the merge
    source_value,
    target_value,
    agreed_value,
    source_for_target,
    target_for_source,
    change,
    direction,

    ----------  timestamps
    source_modified_at,
    target_modified_at

from decided
where direction <> 'none'
