with

source as (

    select * from {{ source('raw_zohocrm', 'deals') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as deal_id,
        cast(account_name__id as varchar) as account_id,
        cast(contact_name__id as varchar) as contact_id,

        ----------  strings
        cast(deal_name as varchar) as deal_name,
        cast(account_name__name as varchar) as account_name,
        cast(contact_name__name as varchar) as contact_name,
        cast(stage as varchar) as stage,
        cast(pipeline as varchar) as pipeline,

        ----------  numerics
        cast(amount as numeric(28, 6)) as amount,
        cast(probability as integer) as probability,

        ----------  dates
        cast(closing_date as date) as closing_date,

        ----------  timestamps
        cast(created_time as timestamp with time zone) as created_at,
        cast(modified_time as timestamp with time zone) as modified_at

    from source

)

select * from renamed
