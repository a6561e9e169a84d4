{#- Match keys of exact contacts (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_exact__contacts'),
    id='contact_id',
    deleted=ref('stg_exact__contacts_deleted'),
    country='country_code',
    parent=ref('stg_exact__accounts'),
    parent_id='account_id',
    parent_name='name',
    parent_country='p.country_code',
    parent_website='p.website',
    keys={
        'first_name': 'first_name',
        'last_name': 'last_name',
        'email': 'coalesce(email, business_email)',
        'phone': 'coalesce(phone, business_phone)',
        'mobile': 'coalesce(mobile, business_mobile)',
        'postcode': 'postcode',
        'city': 'city',
        'birth_date': 'date_of_birth',
        'parent_id': 'account_id',
        'employer_name': 'account_name',
    },
) }}
