-- WebCRM sends unset text as '' and "no organisation" as 0: read as null.
with

source as (

    select * from {{ raw_source('raw_webcrm', 'persons') }}

),

renamed as (

    select

        ----------  ids
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(nullif(person_organisation_id, 0) as {{ dbt.type_string() }}) as organisation_id,

        ----------  strings
        nullif(cast(person_first_name as {{ dbt.type_string() }}), '') as first_name,
        nullif(cast(person_last_name as {{ dbt.type_string() }}), '') as last_name,
        nullif(cast(person_name as {{ dbt.type_string() }}), '') as name,
        nullif(cast(person_email as {{ dbt.type_string() }}), '') as email,
        nullif(cast(person_email2 as {{ dbt.type_string() }}), '') as secondary_email,
        nullif(cast(person_direct_phone as {{ dbt.type_string() }}), '') as direct_phone,
        nullif(cast(person_mobile_phone as {{ dbt.type_string() }}), '') as mobile_phone,
        nullif(cast(person_title as {{ dbt.type_string() }}), '') as title,
        nullif(cast(person_status as {{ dbt.type_string() }}), '') as status,

        ----------  dates
        {{ dbt.safe_cast('person_birthday', 'date') }} as date_of_birth,

        ----------  timestamps
        {{ dbt.safe_cast('person_created_at', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('person_updated_at', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
