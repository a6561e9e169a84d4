with

source as (

    select * from {{ raw_source('raw_poweroffice', 'customers') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as customer_id,
        {{ dbt.safe_cast('number', 'bigint') }} as customer_number,
        cast(organization_number as {{ dbt.type_string() }}) as organization_number,
        cast(department_id as {{ dbt.type_string() }}) as department_id,
        cast(department_code as {{ dbt.type_string() }}) as department_code,
        cast(external_import_reference as {{ dbt.type_string() }}) as external_import_reference,
        {{ dbt.safe_cast('external_number', 'bigint') }} as external_number,
        cast(mail_address__id as {{ dbt.type_string() }}) as mail_address_id,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,
        cast(legal_name as {{ dbt.type_string() }}) as legal_name,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(email_address as {{ dbt.type_string() }}) as email,
        cast(invoice_email_address as {{ dbt.type_string() }}) as invoice_email,
        cast(invoice_email_address_cc as {{ dbt.type_string() }}) as invoice_email_cc,
        cast(phone_number as {{ dbt.type_string() }}) as phone,
        cast(website_url as {{ dbt.type_string() }}) as website,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(mail_address__address_line1 as {{ dbt.type_string() }}) as mail_address_line1,
        cast(mail_address__address_line2 as {{ dbt.type_string() }}) as mail_address_line2,
        cast(mail_address__city as {{ dbt.type_string() }}) as mail_city,
        cast(mail_address__zip_code as {{ dbt.type_string() }}) as mail_zip_code,
        cast(mail_address__country_code as {{ dbt.type_string() }}) as mail_country_code,
        cast(mail_address__external_code as {{ dbt.type_string() }}) as mail_address_external_code,

        ----------  booleans
        coalesce({{ dbt.safe_cast('is_person', 'boolean') }}, false) as is_person,
        coalesce({{ dbt.safe_cast('is_archived', 'boolean') }}, false) as is_archived,
        {{ dbt.safe_cast('is_active', 'boolean') }} as is_active,

        ----------  dates
        {{ dbt.safe_cast('date_of_birth', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('customer_created_date_time_offset', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('contact_created_date_time_offset', type_timestamptz()) }} as contact_created_at,
        {{ dbt.safe_cast('last_changed_date_time_offset', type_timestamptz()) }} as customer_modified_at,
        {{ dbt.safe_cast('mail_address__last_changed_date_time_offset', type_timestamptz()) }} as mail_address_modified_at,
        -- The customer's own change time does not move when only its address changes: the newer of the two.
        {{ dbt.safe_cast(
            'case
                when mail_address__last_changed_date_time_offset > last_changed_date_time_offset
                    then mail_address__last_changed_date_time_offset
                else coalesce(last_changed_date_time_offset, mail_address__last_changed_date_time_offset)
            end',
            type_timestamptz()
        ) }} as modified_at

    from source

)

select * from renamed
