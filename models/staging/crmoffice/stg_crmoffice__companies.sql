with

source as (

    select * from {{ raw_source('raw_crmoffice', 'companies') }}

),

renamed as (

    select

        ----------  ids
        cast(id as varchar) as company_id,
        cast(org_nr as varchar) as org_number,

        ----------  strings
        cast(name as varchar) as name,
        cast(email as varchar) as email,
        cast(phone as varchar) as phone,
        cast(website as varchar) as website,
        cast(post_address__street_address as varchar) as post_address_street,
        cast(post_address__post_code as varchar) as post_address_post_code,
        cast(post_address__postal_area as varchar) as post_address_postal_area,
        cast(post_address__country as varchar) as post_address_country,
        cast(visit_address__street_address as varchar) as visit_address_street,
        cast(visit_address__post_code as varchar) as visit_address_post_code,
        cast(visit_address__postal_area as varchar) as visit_address_postal_area,
        cast(visit_address__country as varchar) as visit_address_country,

        ----------  timestamps
        {{ dbt.safe_cast('created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
