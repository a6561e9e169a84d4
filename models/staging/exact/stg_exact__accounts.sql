with

source as (

    select * from {{ raw_source('raw_exact', 'accounts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as account_id,
        -- Exact left-pads numeric codes with spaces to 18 characters.
        trim(cast(code as varchar)) as account_code,
        cast(main_contact as varchar) as main_contact_id,
        cast(vat_number as varchar) as vat_number,
        cast(chamber_of_commerce as varchar) as chamber_of_commerce,

        ----------  strings
        cast(name as varchar) as name,
        cast(email as varchar) as email,
        cast(phone as varchar) as phone,
        cast(website as varchar) as website,
        cast(address_line1 as varchar) as address_line1,
        cast(address_line2 as varchar) as address_line2,
        cast(address_line3 as varchar) as address_line3,
        cast(postcode as varchar) as postcode,
        cast(city as varchar) as city,
        cast(state as varchar) as state,
        cast(country as varchar) as country_code,
        cast(country_name as varchar) as country_name,
        cast(status as varchar) as status,

        ----------  numerics
        {{ dbt.safe_cast('division', 'bigint') }} as division,
        {{ dbt.safe_cast(adapter.quote('timestamp'), 'bigint') }} as row_version,

        ----------  booleans
        coalesce({{ dbt.safe_cast('is_supplier', 'boolean') }}, false) as is_supplier,
        coalesce({{ dbt.safe_cast('blocked', 'boolean') }}, false) as is_blocked,

        ----------  timestamps
        {{ parse_odata_datetime('created') }} as created_at,
        {{ parse_odata_datetime('modified') }} as modified_at

    from source

)

select * from renamed
