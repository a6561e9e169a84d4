with

source as (

    select * from {{ raw_source('raw_crmoffice', 'companies') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as company_id,
        cast(org_nr as {{ dbt.type_string() }}) as org_number,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(website as {{ dbt.type_string() }}) as website,
        cast(post_address__street_address as {{ dbt.type_string() }}) as post_address_street,
        cast(post_address__post_code as {{ dbt.type_string() }}) as post_address_post_code,
        cast(post_address__postal_area as {{ dbt.type_string() }}) as post_address_postal_area,
        cast(post_address__country as {{ dbt.type_string() }}) as post_address_country,
        cast(visit_address__street_address as {{ dbt.type_string() }}) as visit_address_street,
        cast(visit_address__post_code as {{ dbt.type_string() }}) as visit_address_post_code,
        cast(visit_address__postal_area as {{ dbt.type_string() }}) as visit_address_postal_area,
        cast(visit_address__country as {{ dbt.type_string() }}) as visit_address_country,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
