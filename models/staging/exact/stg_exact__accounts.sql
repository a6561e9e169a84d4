with

source as (

    select * from {{ raw_source('raw_exact', 'accounts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as account_id,
        -- Exact left-pads numeric codes with spaces to 18 characters.
        trim(cast(code as {{ dbt.type_string() }})) as account_code,
        cast(main_contact as {{ dbt.type_string() }}) as main_contact_id,
        cast(vat_number as {{ dbt.type_string() }}) as vat_number,
        cast(chamber_of_commerce as {{ dbt.type_string() }}) as chamber_of_commerce,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(website as {{ dbt.type_string() }}) as website,
        cast(address_line1 as {{ dbt.type_string() }}) as address_line1,
        cast(address_line2 as {{ dbt.type_string() }}) as address_line2,
        cast(address_line3 as {{ dbt.type_string() }}) as address_line3,
        cast(postcode as {{ dbt.type_string() }}) as postcode,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(country as {{ dbt.type_string() }}) as country_code,
        cast(country_name as {{ dbt.type_string() }}) as country_name,
        cast(status as {{ dbt.type_string() }}) as status,

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
