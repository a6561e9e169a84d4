with

source as (

    select * from {{ raw_source('raw_zohocrm', 'deals') }}

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
        {{ dbt.safe_cast('amount', 'numeric(28, 6)') }} as amount,
        cast(amount as varchar) as amount_raw,
        {{ dbt.safe_cast('probability', 'integer') }} as probability,
        cast(probability as varchar) as probability_raw,

        ----------  dates
        {{ dbt.safe_cast('closing_date', 'date') }} as closing_date,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('modified_time', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
