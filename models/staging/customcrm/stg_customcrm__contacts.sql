with

source as (

    select * from {{ raw_source('raw_customcrm', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        ----------  strings
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(mobile as {{ dbt.type_string() }}) as mobile,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(zip_code as {{ dbt.type_string() }}) as zip_code,
        cast(country as {{ dbt.type_string() }}) as country_code,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
