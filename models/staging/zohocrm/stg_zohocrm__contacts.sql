with

source as (

    select * from {{ raw_source('raw_zohocrm', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as contact_id,
        cast(account_name__id as varchar) as account_id,

        ----------  strings
        cast(account_name__name as varchar) as account_name,
        cast(first_name as varchar) as first_name,
        cast(last_name as varchar) as last_name,
        cast(email as varchar) as email,
        cast(secondary_email as varchar) as secondary_email,
        cast(phone as varchar) as phone,
        cast(mobile as varchar) as mobile,
        cast(other_phone as varchar) as other_phone,
        cast(home_phone as varchar) as home_phone,
        cast(title as varchar) as title,
        cast(mailing_street as varchar) as mailing_street,
        cast(mailing_city as varchar) as mailing_city,
        cast(mailing_zip as varchar) as mailing_zip_code,
        cast(mailing_state as varchar) as mailing_state,
        cast(mailing_country as varchar) as mailing_country,
        cast(other_street as varchar) as other_street,
        cast(other_city as varchar) as other_city,
        cast(other_zip as varchar) as other_zip_code,
        cast(other_state as varchar) as other_state,
        cast(other_country as varchar) as other_country,

        ----------  dates
        {{ dbt.safe_cast('date_of_birth', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('modified_time', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
