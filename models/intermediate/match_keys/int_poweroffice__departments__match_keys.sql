{#- Match keys of poweroffice departments (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_poweroffice__departments'),
    id='department_id',
    deleted=ref('stg_poweroffice__departments_deleted'),
    keys={
        'department_name': 'name',
        'code': 'department_code',
    },
) }}
