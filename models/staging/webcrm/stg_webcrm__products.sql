-- WebCRM sends unset text as '' and "no organisation / person" as 0: read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'products') }}

),

renamed as (

    select

        ----------  ids
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(nullif(product_organisation_id, 0) as {{ dbt.type_string() }}) as organisation_id,
        cast(nullif(product_person_id, 0) as {{ dbt.type_string() }}) as person_id,
        nullif(cast(product_number as {{ dbt.type_string() }}), '') as sku,

        ----------  strings
        nullif(cast(product_name as {{ dbt.type_string() }}), '') as name,
        nullif(cast(product_description as {{ dbt.type_string() }}), '') as description,
        nullif(cast(product_vat_code as {{ dbt.type_string() }}), '') as vat_code,

        ----------  numerics
        {{ dbt.safe_cast('product_price', 'numeric(28, 6)') }} as price,
        cast(product_price as {{ dbt.type_string() }}) as price_raw,
        {{ dbt.safe_cast('product_cost_price', 'numeric(28, 6)') }} as cost_price,
        cast(product_cost_price as {{ dbt.type_string() }}) as cost_price_raw,
        {{ dbt.safe_cast('product_list_price', 'numeric(28, 6)') }} as list_price,
        cast(product_list_price as {{ dbt.type_string() }}) as list_price_raw,
        {{ dbt.safe_cast('product_discount', 'numeric(28, 6)') }} as discount,
        cast(product_discount as {{ dbt.type_string() }}) as discount_raw,
        {{ dbt.safe_cast('product_quantity', 'numeric(28, 6)') }} as quantity,
        cast(product_quantity as {{ dbt.type_string() }}) as quantity_raw,

        ----------  booleans
        coalesce({{ dbt.safe_cast('product_combined', 'boolean') }}, false) as is_combined,

        ----------  timestamps
        {{ dbt.safe_cast('product_created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('product_updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
