with

source as (

    select * from {{ raw_source('raw_zohocrm', 'contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(account_name__id as {{ dbt.type_string() }}) as account_id,

        ----------  strings
        cast(account_name__name as {{ dbt.type_string() }}) as account_name,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(secondary_email as {{ dbt.type_string() }}) as secondary_email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(mobile as {{ dbt.type_string() }}) as mobile,
        cast(other_phone as {{ dbt.type_string() }}) as other_phone,
        cast(home_phone as {{ dbt.type_string() }}) as home_phone,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(mailing_street as {{ dbt.type_string() }}) as mailing_street,
        cast(mailing_city as {{ dbt.type_string() }}) as mailing_city,
        cast(mailing_zip as {{ dbt.type_string() }}) as mailing_zip_code,
        cast(mailing_state as {{ dbt.type_string() }}) as mailing_state,
        cast(mailing_country as {{ dbt.type_string() }}) as mailing_country,
        cast(other_street as {{ dbt.type_string() }}) as other_street,
        cast(other_city as {{ dbt.type_string() }}) as other_city,
        cast(other_zip as {{ dbt.type_string() }}) as other_zip_code,
        cast(other_state as {{ dbt.type_string() }}) as other_state,
        cast(other_country as {{ dbt.type_string() }}) as other_country,

        ----------  dates
        {{ dbt.safe_cast('date_of_birth', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('created_time', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('modified_time', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
