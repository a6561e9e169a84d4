with

source as (

    select * from {{ raw_source('raw_customcrm', 'customers') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as customer_id,
        cast(org_number as varchar) as org_number,

        ----------  strings
        cast(name as varchar) as name,
        cast(email as varchar) as email,
        cast(phone as varchar) as phone,
        cast(fax as varchar) as fax,
        cast(website as varchar) as website,
        cast(description as varchar) as description,
        cast(street_address1 as varchar) as street_address1,
        cast(street_address2 as varchar) as street_address2,
        cast(city as varchar) as city,
        cast(zip_code as varchar) as zip_code,
        cast(country as varchar) as country_code,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
