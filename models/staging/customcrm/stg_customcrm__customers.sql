with

source as (

    select * from {{ raw_source('raw_customcrm', 'customers') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as customer_id,
        cast(org_number as {{ dbt.type_string() }}) as org_number,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(fax as {{ dbt.type_string() }}) as fax,
        cast(website as {{ dbt.type_string() }}) as website,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(street_address1 as {{ dbt.type_string() }}) as street_address1,
        cast(street_address2 as {{ dbt.type_string() }}) as street_address2,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(zip_code as {{ dbt.type_string() }}) as zip_code,
        cast(country as {{ dbt.type_string() }}) as country_code,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
