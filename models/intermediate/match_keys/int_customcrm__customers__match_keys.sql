{#- Match keys of customcrm customers (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_customcrm__customers'),
    id='customer_id',
    deleted=ref('stg_customcrm__customers_deleted'),
    country='country_code',
    keys={
        'company_name': 'name',
        'org_number': 'org_number',
        'email': 'email',
        'phone': 'phone',
        'website': 'website',
        'postcode': 'zip_code',
        'city': 'city',
        'street': 'street_address1',
    },
) }}
