with

source as (

    select * from {{ raw_source('raw_exact', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(account as {{ dbt.type_string() }}) as account_id,

        ----------  strings
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(middle_name as {{ dbt.type_string() }}) as middle_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(business_email as {{ dbt.type_string() }}) as business_email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(business_phone as {{ dbt.type_string() }}) as business_phone,
        cast(mobile as {{ dbt.type_string() }}) as mobile,
        cast(business_mobile as {{ dbt.type_string() }}) as business_mobile,
        cast(job_title_description as {{ dbt.type_string() }}) as job_title,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(postcode as {{ dbt.type_string() }}) as postcode,
        cast(country as {{ dbt.type_string() }}) as country_code,

        ----------  numerics
        {{ dbt.safe_cast('division', 'bigint') }} as division,
        {{ dbt.safe_cast(adapter.quote('timestamp'), 'bigint') }} as row_version,

        ----------  booleans
        coalesce({{ dbt.safe_cast('is_main_contact', 'boolean') }}, false) as is_main_contact,

        ----------  dates
        {{ parse_odata_date('birth_date') }} as date_of_birth,

        ----------  timestamps
        {{ parse_odata_datetime('created') }} as created_at,
        {{ parse_odata_datetime('modified') }} as modified_at

    from source

)

select * from renamed
