-- WebCRM sends unset text as '' and "no organisation / person" as 0: read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'products') }}

),

renamed as (

    select

        ----------  ids
        cast(product_id as varchar) as product_id,
        cast(nullif(product_organisation_id, 0) as varchar) as organisation_id,
        cast(nullif(product_person_id, 0) as varchar) as person_id,
        nullif(cast(product_number as varchar), '') as sku,

        ----------  strings
        nullif(cast(product_name as varchar), '') as name,
        nullif(cast(product_description as varchar), '') as description,
        nullif(cast(product_vat_code as varchar), '') as vat_code,

        ----------  numerics
        {{ dbt.safe_cast('product_price', 'numeric(28, 6)') }} as price,
        cast(product_price as varchar) as price_raw,
        {{ dbt.safe_cast('product_cost_price', 'numeric(28, 6)') }} as cost_price,
        cast(product_cost_price as varchar) as cost_price_raw,
        {{ dbt.safe_cast('product_list_price', 'numeric(28, 6)') }} as list_price,
        cast(product_list_price as varchar) as list_price_raw,
        {{ dbt.safe_cast('product_discount', 'numeric(28, 6)') }} as discount,
        cast(product_discount as varchar) as discount_raw,
        {{ dbt.safe_cast('product_quantity', 'numeric(28, 6)') }} as quantity,
        cast(product_quantity as varchar) as quantity_raw,

        ----------  booleans
        coalesce({{ dbt.safe_cast('product_combined', 'boolean') }}, false) as is_combined,

        ----------  timestamps
        {{ dbt.safe_cast('product_created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('product_updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
