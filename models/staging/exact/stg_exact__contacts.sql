with

source as (

    select * from {{ raw_source('raw_exact', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as contact_id,
        cast(account as varchar) as account_id,

        ----------  strings
        cast(account_name as varchar) as account_name,
        cast(first_name as varchar) as first_name,
        cast(middle_name as varchar) as middle_name,
        cast(last_name as varchar) as last_name,
        cast(full_name as varchar) as full_name,
        cast(email as varchar) as email,
        cast(business_email as varchar) as business_email,
        cast(phone as varchar) as phone,
        cast(business_phone as varchar) as business_phone,
        cast(mobile as varchar) as mobile,
        cast(business_mobile as varchar) as business_mobile,
        cast(job_title_description as varchar) as job_title,
        cast(city as varchar) as city,
        cast(postcode as varchar) as postcode,
        cast(country as varchar) as country_code,

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
