with

source as (

    select * from {{ raw_source('raw_customcrm', 'products') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as product_id,
        cast(sku as varchar) as sku,

        ----------  strings
        cast(name as varchar) as name,
        cast(description as varchar) as description,
        cast(currency as varchar) as currency,
        cast(vat_code as varchar) as vat_code,

        ----------  numerics
        {{ dbt.safe_cast('price', 'numeric(28, 6)') }} as price,
        cast(price as varchar) as price_raw,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
