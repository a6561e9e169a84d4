-- WebCRM sends unset text as '' and "no organisation / person" as 0: read as null.
with

source as (

    select * from {{ source('raw_webcrm', 'products') }}

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
        cast(product_price as numeric(28, 6)) as price,
        cast(product_cost_price as numeric(28, 6)) as cost_price,
        cast(product_list_price as numeric(28, 6)) as list_price,
        cast(product_discount as numeric(28, 6)) as discount,
        cast(product_quantity as numeric(28, 6)) as quantity,

        ----------  booleans
        coalesce(cast(product_combined as boolean), false) as is_combined,

        ----------  timestamps
        cast(product_created_at as timestamp with time zone) as created_at,
        cast(product_updated_at as timestamp with time zone) as modified_at

    from source

)

select * from renamed
