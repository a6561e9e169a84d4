{#- Match keys of crmoffice contacts (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_crmoffice__contacts'),
    id='contact_id',
    deleted=ref('stg_crmoffice__contacts_deleted'),
    parent=ref('stg_crmoffice__companies'),
    parent_id='company_id',
    parent_name='name',
    parent_country='coalesce(p.post_address_country, p.visit_address_country)',
    parent_website='p.website',
    keys={
        'first_name': 'first_name',
        'last_name': 'last_name',
        'email': 'email',
        'phone': 'direct_phone',
        'mobile': 'mobile_phone',
        'parent_id': 'company_id',
        'employer_name': 'company_name',
    },
) }}
