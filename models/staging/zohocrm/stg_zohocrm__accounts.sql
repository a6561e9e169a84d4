with

source as (

    select * from {{ raw_source('raw_zohocrm', 'accounts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as account_id,
        cast(account_number as {{ dbt.type_string() }}) as account_number,

        ----------  strings
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(fax as {{ dbt.type_string() }}) as fax,
        cast(website as {{ dbt.type_string() }}) as website,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(billing_street as {{ dbt.type_string() }}) as billing_street,
        cast(billing_city as {{ dbt.type_string() }}) as billing_city,
        cast(billing_code as {{ dbt.type_string() }}) as billing_zip_code,
        cast(billing_state as {{ dbt.type_string() }}) as billing_state,
        cast(billing_country as {{ dbt.type_string() }}) as billing_country,
        cast(shipping_street as {{ dbt.type_string() }}) as shipping_street,
        cast(shipping_city as {{ dbt.type_string() }}) as shipping_city,
        cast(shipping_code as {{ dbt.type_string() }}) as shipping_zip_code,
        cast(shipping_state as {{ dbt.type_string() }}) as shipping_state,
        cast(shipping_country as {{ dbt.type_string() }}) as shipping_country,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('modified_time', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
