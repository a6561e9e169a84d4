{#- Match keys of exact accounts (macros/match_keys.sql).
    Exact keeps the registry number in ChamberOfCommerce and the VAT number in VATNumber; a Norwegian or Danish
    VAT number carries the registry number, which stands in when ChamberOfCommerce is empty. -#}
{{ match_keys(
    relation=ref('stg_exact__accounts'),
    id='account_id',
    deleted=ref('stg_exact__accounts_deleted'),
    country='country_code',
    keys={
        'company_name': 'name',
        'email': 'email',
        'phone': 'phone',
        'website': 'website',
        'org_number': 'chamber_of_commerce',
        'org_number_from_vat': 'vat_number',
        'vat_number': 'vat_number',
        'postcode': 'postcode',
        'city': 'city',
        'street': 'address_line1',
    },
) }}
