with

source as (

    select * from {{ raw_source('raw_customcrm', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as contact_id,
        cast(customer_id as varchar) as customer_id,

        ----------  strings
        cast(first_name as varchar) as first_name,
        cast(last_name as varchar) as last_name,
        cast(email as varchar) as email,
        cast(phone as varchar) as phone,
        cast(mobile as varchar) as mobile,
        cast(title as varchar) as title,
        cast(city as varchar) as city,
        cast(zip_code as varchar) as zip_code,
        cast(country as varchar) as country_code,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
