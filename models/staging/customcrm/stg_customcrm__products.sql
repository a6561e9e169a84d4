with

source as (

    select * from {{ raw_source('raw_customcrm', 'products') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as product_id,
        cast(sku as {{ dbt.type_string() }}) as sku,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(vat_code as {{ dbt.type_string() }}) as vat_code,

        ----------  numerics
        {{ dbt.safe_cast('price', 'numeric(28, 6)') }} as price,
        cast(price as {{ dbt.type_string() }}) as price_raw,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
