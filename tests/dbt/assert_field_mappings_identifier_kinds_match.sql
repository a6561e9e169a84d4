-- An identifier field takes only its own kind: an org number never lands in a VAT field or the other way round
-- (WebCRM's OrganisationVatNumber once fed Custom CRM's OrgNumber, and VAT numbers travelled into every
-- org-number field of the cluster). A field's kind is read from its staging column's name.
with

kinds as (

    select
        flow_id,
        source_field,
        target_field,
        case
            when source_column like '%vat_number%' then 'vat_number'
            when source_column like '%org_number%' or source_column like '%chamber_of_commerce%'
                or source_column like '%account_number%' then 'org_number'
        end as source_kind,
        case
            when target_column like '%vat_number%' then 'vat_number'
            when target_column like '%org_number%' or target_column like '%chamber_of_commerce%'
                or target_column like '%account_number%' then 'org_number'
        end as target_kind
    from {{ ref('field_mappings') }}

)

select *
from kinds
where coalesce(source_kind, '') <> coalesce(target_kind, '')
