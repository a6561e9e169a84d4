with

source as (

    select * from {{ raw_source('raw_crmoffice', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as contact_id,
        cast(company__id as varchar) as company_id,

        ----------  strings
        cast(company__name as varchar) as company_name,
        cast(given_name as varchar) as first_name,
        cast(family_name as varchar) as last_name,
        cast(email as varchar) as email,
        cast(direct_phone as varchar) as direct_phone,
        cast(mobile_phone as varchar) as mobile_phone,
        cast(title as varchar) as title,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
