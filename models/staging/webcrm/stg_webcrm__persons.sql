-- WebCRM sends unset text as '' and "no organisation" as 0: read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'persons') }}

),

renamed as (

    select

        ----------  ids
        cast(person_id as varchar) as person_id,
        cast(nullif(person_organisation_id, 0) as varchar) as organisation_id,

        ----------  strings
        nullif(cast(person_first_name as varchar), '') as first_name,
        nullif(cast(person_last_name as varchar), '') as last_name,
        nullif(cast(person_name as varchar), '') as name,
        nullif(cast(person_email as varchar), '') as email,
        nullif(cast(person_email2 as varchar), '') as secondary_email,
        nullif(cast(person_direct_phone as varchar), '') as direct_phone,
        nullif(cast(person_mobile_phone as varchar), '') as mobile_phone,
        nullif(cast(person_title as varchar), '') as title,
        nullif(cast(person_status as varchar), '') as status,

        ----------  dates
        {{ dbt.safe_cast('person_birthday', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('person_created_at', 'timestamp with time zone') }} as created_at,
        {{ dbt.safe_cast('person_updated_at', 'timestamp with time zone') }} as modified_at

    from source

)

select * from renamed
