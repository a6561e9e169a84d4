with

source as (

    select * from {{ raw_source('raw_crmoffice', 'contacts_deleted') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as contact_id,

        ----------  strings
        cast(how as {{ dbt.type_string() }}) as detected_by,

        ----------  booleans
        true as is_deleted,

        ----------  timestamps
        {{ dbt.safe_cast('deleted_at', type_timestamptz()) }} as deleted_at

    from source

)

select * from renamed
