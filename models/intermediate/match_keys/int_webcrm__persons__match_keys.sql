{#- Match keys of webcrm persons (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_webcrm__persons'),
    id='person_id',
    deleted=ref('stg_webcrm__persons_deleted'),
    default_country='DK',
    parent=ref('stg_webcrm__organisations'),
    parent_id='organisation_id',
    parent_name='name',
    parent_country='coalesce(p.country_code, p.country)',
    parent_website='coalesce(p.domain, p.website)',
    keys={
        'first_name': 'first_name',
        'last_name': 'last_name',
        'email': 'coalesce(email, secondary_email)',
        'phone': 'direct_phone',
        'mobile': 'mobile_phone',
        'birth_date': 'date_of_birth',
        'parent_id': 'organisation_id',
    },
) }}
