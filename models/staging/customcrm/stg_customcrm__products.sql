with

source as (

    select * from {{ source('raw_customcrm', 'products') }}

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
        cast(price as numeric(28, 6)) as price,

        ----------  timestamps
        cast(created_at as timestamp with time zone) as created_at,
        cast(updated_at as timestamp with time zone) as modified_at

    from source

)

select * from renamed
