{#- Match keys of poweroffice customers (macros/match_keys.sql).
    PowerOffice customers are companies (is_person false) and private persons: a company's name is a company
    name, a person's is first and last name. Persons give one phone number: it is compared as phone and mobile. -#}
{{ match_keys(
    relation=ref('stg_poweroffice__customers'),
    id='customer_id',
    deleted=ref('stg_poweroffice__customers_deleted'),
    country='mail_country_code',
    keys={
        'company_name': 'case when not is_person then name end',
        'first_name': 'case when is_person then first_name end',
        'last_name': 'case when is_person then last_name end',
        'email': 'email',
        'phone': 'phone',
        'mobile': 'phone',
        'website': 'website',
        'org_number': 'organization_number',
        'postcode': 'mail_zip_code',
        'city': 'mail_city',
        'street': 'mail_address_line1',
        'birth_date': 'date_of_birth',
    },
) }}
