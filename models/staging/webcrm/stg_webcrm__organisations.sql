-- WebCRM sends unset text as '': read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'organisations') }}

),

renamed as (

    select

        ----------  ids
        cast(organisation_id as {{ dbt.type_string() }}) as organisation_id,
        nullif(cast(organisation_vat_number as {{ dbt.type_string() }}), '') as vat_number,
        nullif(cast(organisation_vat_country as {{ dbt.type_string() }}), '') as vat_country,

        ----------  strings
        nullif(cast(organisation_name as {{ dbt.type_string() }}), '') as name,
        nullif(cast(organisation_telephone as {{ dbt.type_string() }}), '') as phone,
        nullif(cast(organisation_www as {{ dbt.type_string() }}), '') as website,
        nullif(cast(organisation_domain as {{ dbt.type_string() }}), '') as domain,
        nullif(cast(organisation_company_description as {{ dbt.type_string() }}), '') as description,
        nullif(cast(organisation_address as {{ dbt.type_string() }}), '') as address,
        nullif(cast(organisation_post_code as {{ dbt.type_string() }}), '') as post_code,
        nullif(cast(organisation_city as {{ dbt.type_string() }}), '') as city,
        nullif(cast(organisation_state as {{ dbt.type_string() }}), '') as state,
        nullif(cast(organisation_country as {{ dbt.type_string() }}), '') as country,
        nullif(cast(organisation_country_data__code_iso as {{ dbt.type_string() }}), '') as country_code,
        nullif(cast(organisation_country_data__name as {{ dbt.type_string() }}), '') as country_name,
        nullif(cast(organisation_delivery_address as {{ dbt.type_string() }}), '') as delivery_address,
        nullif(cast(organisation_delivery_post_code as {{ dbt.type_string() }}), '') as delivery_post_code,
        nullif(cast(organisation_delivery_city as {{ dbt.type_string() }}), '') as delivery_city,
        nullif(cast(organisation_delivery_state as {{ dbt.type_string() }}), '') as delivery_state,
        nullif(cast(organisation_custom1 as {{ dbt.type_string() }}), '') as custom1,
        nullif(cast(organisation_custom2 as {{ dbt.type_string() }}), '') as custom2,
        nullif(cast(organisation_custom3 as {{ dbt.type_string() }}), '') as custom3,

        ----------  timestamps
        {{ dbt.safe_cast('organisation_created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('organisation_updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
