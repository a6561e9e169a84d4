{#- Match keys of crmoffice companies (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_crmoffice__companies'),
    id='company_id',
    deleted=ref('stg_crmoffice__companies_deleted'),
    country='coalesce(post_address_country, visit_address_country)',
    keys={
        'company_name': 'name',
        'org_number': 'org_number',
        'email': 'email',
        'phone': 'phone',
        'website': 'website',
        'postcode': 'coalesce(post_address_post_code, visit_address_post_code)',
        'city': 'coalesce(post_address_postal_area, visit_address_postal_area)',
        'street': 'coalesce(post_address_street, visit_address_street)',
    },
) }}
