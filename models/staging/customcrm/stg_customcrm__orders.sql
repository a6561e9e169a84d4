with

source as (

    select * from {{ raw_source('raw_customcrm', 'orders') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as order_id,
        cast(customer_id as varchar) as customer_id,
        cast(contact_id as varchar) as contact_id,
        cast(order_number as varchar) as order_number,

        ----------  strings
        cast(title as varchar) as title,
        cast(currency as varchar) as currency,
        cast(status as varchar) as status,

        ----------  numerics
        {{ dbt.safe_cast('amount', 'numeric(28, 6)') }} as amount,
        cast(amount as varchar) as amount_raw,

        ----------  dates
        {{ dbt.safe_cast('order_date', 'date') }} as order_date,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
