{#- Match keys of zohocrm accounts (macros/match_keys.sql).
    Zoho Accounts are companies and, where Account_Number holds a department code, departments: both keys are
    computed, the flows' rules pick theirs (org_number never takes a code: it needs six digits). -#}
{{ match_keys(
    relation=ref('stg_zohocrm__accounts'),
    id='account_id',
    deleted=ref('stg_zohocrm__accounts_deleted'),
    country='billing_country',
    keys={
        'company_name': 'account_name',
        'org_number': 'account_number',
        'code': 'account_number',
        'phone': 'phone',
        'website': 'website',
        'postcode': 'billing_zip_code',
        'city': 'billing_city',
        'street': 'billing_street',
    },
) }}
