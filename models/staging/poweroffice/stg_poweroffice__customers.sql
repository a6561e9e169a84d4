with

source as (

    select * from {{ raw_source('raw_poweroffice', 'customers') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as customer_id,
        {{ dbt.safe_cast('number', 'bigint') }} as customer_number,
        cast(organization_number as varchar) as organization_number,
        cast(department_id as varchar) as department_id,
        cast(department_code as varchar) as department_code,
        cast(external_import_reference as varchar) as external_import_reference,
        {{ dbt.safe_cast('external_number', 'bigint') }} as external_number,
        cast(mail_address__id as varchar) as mail_address_id,

        ----------  strings
        cast(name as varchar) as name,
        cast(legal_name as varchar) as legal_name,
        cast(first_name as varchar) as first_name,
        cast(last_name as varchar) as last_name,
        cast(email_address as varchar) as email,
        cast(invoice_email_address as varchar) as invoice_email,
        cast(invoice_email_address_cc as varchar) as invoice_email_cc,
        cast(phone_number as varchar) as phone,
        cast(website_url as varchar) as website,
        cast(currency_code as varchar) as currency_code,
        cast(mail_address__address_line1 as varchar) as mail_address_line1,
        cast(mail_address__address_line2 as varchar) as mail_address_line2,
        cast(mail_address__city as varchar) as mail_city,
        cast(mail_address__zip_code as varchar) as mail_zip_code,
        cast(mail_address__country_code as varchar) as mail_country_code,
        cast(mail_address__external_code as varchar) as mail_address_external_code,

        ----------  booleans
        coalesce({{ dbt.safe_cast('is_person', 'boolean') }}, false) as is_person,
        coalesce({{ dbt.safe_cast('is_archived', 'boolean') }}, false) as is_archived,
        {{ dbt.safe_cast('is_active', 'boolean') }} as is_active,

        ----------  dates
        {{ dbt.safe_cast('date_of_birth', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('customer_created_date_time_offset', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('contact_created_date_time_offset', 'timestamp with time zone') }} as contact_created_at,
        {{ dbt.safe_cast('last_changed_date_time_offset', 'timestamp with time zone') }} as customer_modified_at,
        {{ dbt.safe_cast('mail_address__last_changed_date_time_offset', 'timestamp with time zone') }} as mail_address_modified_at,
        -- The customer's own change time does not move when only its address changes: the newer of the two.
        {{ dbt.safe_cast(
            'case
                when mail_address__last_changed_date_time_offset > last_changed_date_time_offset
                    then mail_address__last_changed_date_time_offset
                else coalesce(last_changed_date_time_offset, mail_address__last_changed_date_time_offset)
            end',
            'timestamp with time zone'
        ) }} as modified_at

    from source

)

select * from renamed
