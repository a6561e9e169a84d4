{#- Match keys of customcrm contacts (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_customcrm__contacts'),
    id='contact_id',
    deleted=ref('stg_customcrm__contacts_deleted'),
    country='country_code',
    parent=ref('stg_customcrm__customers'),
    parent_id='customer_id',
    parent_name='name',
    parent_country='p.country_code',
    parent_website='p.website',
    keys={
        'first_name': 'first_name',
        'last_name': 'last_name',
        'email': 'email',
        'phone': 'phone',
        'mobile': 'mobile',
        'postcode': 'zip_code',
        'city': 'city',
        'parent_id': 'customer_id',
    },
) }}
