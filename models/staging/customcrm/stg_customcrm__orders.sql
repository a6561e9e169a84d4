with

source as (

    select * from {{ raw_source('raw_customcrm', 'orders') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(order_number as {{ dbt.type_string() }}) as order_number,

        ----------  strings
        cast(title as {{ dbt.type_string() }}) as title,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(status as {{ dbt.type_string() }}) as status,

        ----------  numerics
        {{ dbt.safe_cast('amount', 'numeric(28, 6)') }} as amount,
        cast(amount as {{ dbt.type_string() }}) as amount_raw,

        ----------  dates
        {{ dbt.safe_cast('order_date', 'date') }} as order_date,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
