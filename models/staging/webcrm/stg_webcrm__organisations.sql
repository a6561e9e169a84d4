-- WebCRM sends unset text as '': read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'organisations') }}

),

renamed as (

    select

        ----------  ids
        cast(organisation_id as varchar) as organisation_id,
        nullif(cast(organisation_vat_number as varchar), '') as vat_number,
        nullif(cast(organisation_vat_country as varchar), '') as vat_country,

        ----------  strings
        nullif(cast(organisation_name as varchar), '') as name,
        nullif(cast(organisation_telephone as varchar), '') as phone,
        nullif(cast(organisation_www as varchar), '') as website,
        nullif(cast(organisation_domain as varchar), '') as domain,
        nullif(cast(organisation_company_description as varchar), '') as description,
        nullif(cast(organisation_address as varchar), '') as address,
        nullif(cast(organisation_post_code as varchar), '') as post_code,
        nullif(cast(organisation_city as varchar), '') as city,
        nullif(cast(organisation_state as varchar), '') as state,
        nullif(cast(organisation_country as varchar), '') as country,
        nullif(cast(organisation_country_data__code_iso as varchar), '') as country_code,
        nullif(cast(organisation_country_data__name as varchar), '') as country_name,
        nullif(cast(organisation_delivery_address as varchar), '') as delivery_address,
        nullif(cast(organisation_delivery_post_code as varchar), '') as delivery_post_code,
        nullif(cast(organisation_delivery_city as varchar), '') as delivery_city,
        nullif(cast(organisation_delivery_state as varchar), '') as delivery_state,
        nullif(cast(organisation_custom1 as varchar), '') as custom1,
        nullif(cast(organisation_custom2 as varchar), '') as custom2,
        nullif(cast(organisation_custom3 as varchar), '') as custom3,

        ----------  timestamps
        {{ dbt.safe_cast('organisation_created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('organisation_updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
