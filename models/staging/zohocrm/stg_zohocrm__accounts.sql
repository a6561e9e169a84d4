with

source as (

    select * from {{ raw_source('raw_zohocrm', 'accounts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as account_id,
        cast(account_number as varchar) as account_number,

        ----------  strings
        cast(account_name as varchar) as account_name,
        cast(phone as varchar) as phone,
        cast(fax as varchar) as fax,
        cast(website as varchar) as website,
        cast(industry as varchar) as industry,
        cast(description as varchar) as description,
        cast(billing_street as varchar) as billing_street,
        cast(billing_city as varchar) as billing_city,
        cast(billing_code as varchar) as billing_zip_code,
        cast(billing_state as varchar) as billing_state,
        cast(billing_country as varchar) as billing_country,
        cast(shipping_street as varchar) as shipping_street,
        cast(shipping_city as varchar) as shipping_city,
        cast(shipping_code as varchar) as shipping_zip_code,
        cast(shipping_state as varchar) as shipping_state,
        cast(shipping_country as varchar) as shipping_country,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('modified_time', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
