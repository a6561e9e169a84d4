{#- Match keys of webcrm organisations (macros/match_keys.sql).
    WebCRM has no registry number field: OrganisationVatNumber gives the VAT key and, for Norway and Denmark,
    the registry number inside it. -#}
{{ match_keys(
    relation=ref('stg_webcrm__organisations'),
    id='organisation_id',
    deleted=ref('stg_webcrm__organisations_deleted'),
    country='coalesce(country_code, country)',
    default_country='DK',
    keys={
        'company_name': 'name',
        'phone': 'phone',
        'website': 'website',
        'domain': 'domain',
        'org_number_from_vat': 'vat_number',
        'vat_number': 'vat_number',
        'postcode': 'post_code',
        'city': 'city',
        'street': 'address',
    },
) }}
