with

source as (

    select * from {{ source('raw_customcrm', 'orders') }}

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
        cast(amount as numeric(28, 6)) as amount,

        ----------  dates
        cast(order_date as date) as order_date,

        ----------  timestamps
        cast(created_at as timestamp with time zone) as created_at,
        cast(updated_at as timestamp with time zone) as modified_at

    from source

)

select * from renamed
