with

source as (

    select * from {{ raw_source('raw_zohocrm', 'deals') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as deal_id,
        cast(account_name__id as {{ dbt.type_string() }}) as account_id,
        cast(contact_name__id as {{ dbt.type_string() }}) as contact_id,

        ----------  strings
        cast(deal_name as {{ dbt.type_string() }}) as deal_name,
        cast(account_name__name as {{ dbt.type_string() }}) as account_name,
        cast(contact_name__name as {{ dbt.type_string() }}) as contact_name,
        cast(stage as {{ dbt.type_string() }}) as stage,
        cast(pipeline as {{ dbt.type_string() }}) as pipeline,

        ----------  numerics
        {{ dbt.safe_cast('amount', 'numeric(28, 6)') }} as amount,
        cast(amount as {{ dbt.type_string() }}) as amount_raw,
        {{ dbt.safe_cast('probability', 'integer') }} as probability,
        cast(probability as {{ dbt.type_string() }}) as probability_raw,

        ----------  dates
        {{ dbt.safe_cast('closing_date', 'date') }} as closing_date,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('modified_time', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
