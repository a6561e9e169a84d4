with

source as (

    select * from {{ raw_source('raw_crmoffice', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(company__id as {{ dbt.type_string() }}) as company_id,

        ----------  strings
        cast(company__name as {{ dbt.type_string() }}) as company_name,
        cast(given_name as {{ dbt.type_string() }}) as first_name,
        cast(family_name as {{ dbt.type_string() }}) as last_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(direct_phone as {{ dbt.type_string() }}) as direct_phone,
        cast(mobile_phone as {{ dbt.type_string() }}) as mobile_phone,
        cast(title as {{ dbt.type_string() }}) as title,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
