with

source as (

    select * from {{ raw_source('raw_poweroffice', 'departments') }}

),

renamed as (

    select

        ----------  ids
        cast(id as {{ dbt.type_string() }}) as department_id,
        cast(code as {{ dbt.type_string() }}) as department_code,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,

        ----------  strings
        cast(name as {{ dbt.type_string() }}) as name,

        ----------  booleans
        {{ dbt.safe_cast('is_active', 'boolean') }} as is_active,

        ----------  timestamps
        {{ dbt.safe_cast('created_date_time_offset', type_timestamptz()) }} as created_at,
        {{ dbt.safe_cast('last_changed_date_time_offset', type_timestamptz()) }} as modified_at

    from source

)

select * from renamed
