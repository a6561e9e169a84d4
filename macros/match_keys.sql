{#-
    match_keys: one row per record of a staging model with every match key normalised, in the one column layout
    every int_<system>__<entity>__match_keys model shares, so the matching macros can pair any two of them.

    Arguments:
      relation          the staging model (ref)
      id                its id column
      deleted           the staging model of deleted ids (ref), or none
      deleted_id        its id column (default: id)
      country           expression of the record's country: an ISO code or free text ("Norge"), looked up in
                        the country_codes seed; none when the system has no country
      default_country   ISO country assumed for national phone numbers when the record has none
      parent            for contacts: the staging model of their company (ref), joined on keys.parent_id =
                        parent.<parent_id>; its <parent_name> column is the employer_name key (contacts of
                        systems that carry the company's name on the contact give keys.employer_name instead);
                        parent_country (an expression over the parent p) is the country of a record that has none;
                        parent_website (over p) gives the employer_domain key, else the e-mail's domain does
      keys              dict of key name → SQL expression over the staging columns; missing keys are NULL:
                          company_name, first_name, last_name, employer_name, product_name, department_name,
                          email, phone, mobile, website, domain, org_number, vat_number,
                          org_number_from_vat (a VAT number whose Norwegian/Danish digits are the org number),
                          postcode, city, street, code, price, birth_date, parent_id

    Output columns: see models/intermediate/_intermediate__models.yml (int_customcrm__customers__match_keys).
-#}
{% macro match_keys(
    relation, id, deleted=none, deleted_id=none, country=none, default_country='NO', keys={},
    parent=none, parent_id=none, parent_name=none, parent_country=none, parent_website=none
) -%}
{%- set k = keys -%}
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}

with

base as (

    select
        r.*,
        cast({{ id }} as {{ dbt.type_string() }}) as mk_record_id,
        cast({{ k.get('parent_id', null_text) }} as {{ dbt.type_string() }}) as mk_parent_id,
        cast({{ country if country else null_text }} as {{ dbt.type_string() }}) as mk_country_raw,
        cast({{ k.get('employer_name', null_text) }} as {{ dbt.type_string() }}) as mk_employer_name
    from {{ relation }} as r

),

records as (

    select
        base.*,
        {%- if parent %}
        coalesce(base.mk_employer_name, cast(p.{{ parent_name }} as {{ dbt.type_string() }})) as mk_parent_name,
        cast({{ parent_website or null_text }} as {{ dbt.type_string() }}) as mk_parent_website,
        {%- if parent_country %}
        coalesce(base.mk_country_raw, cast({{ parent_country }} as {{ dbt.type_string() }})) as mk_country
        {%- else %}
        base.mk_country_raw as mk_country
        {%- endif %}
        {%- else %}
        base.mk_employer_name as mk_parent_name,
        {{ null_text }} as mk_parent_website,
        base.mk_country_raw as mk_country
        {%- endif %}
    from base
    {%- if parent %}
    left join {{ parent }} as p
        on cast(p.{{ parent_id }} as {{ dbt.type_string() }}) = base.mk_parent_id
    {%- endif %}

),

{%- if deleted %}

deleted as (

    select distinct cast({{ deleted_id or id }} as {{ dbt.type_string() }}) as record_id
    from {{ deleted }}

),
{%- endif %}

countries as (

    select
        {{ country_lookup_key('name') }} as lookup_key,
        min(iso_code) as iso_code
    from {{ ref('country_codes') }}
    group by 1

),

located as (

    select
        records.*,
        coalesce(
            countries.iso_code,
            case when length(trim(records.mk_country)) = 2 then upper(trim(records.mk_country)) end
        ) as mk_country_code
    from records
    left join countries
        on countries.lookup_key = {{ country_lookup_key('records.mk_country') }}

),

{#- The expensive halves of the normalisations, once per row; the select below finishes them (normalise.sql). #}
cleaned as (

    select
        located.*,
        {{ email_clean(k.get('email', null_text)) }} as mk_email,
        {{ web_domain_host('coalesce(' ~ k.get('domain', null_text) ~ ', ' ~ k.get('website', null_text) ~ ')') }}
            as mk_web_host,
        {{ phone_kept(k.get('phone', null_text)) }} as mk_phone,
        {{ phone_kept(k.get('mobile', null_text)) }} as mk_mobile,
        {{ org_number_clean(k.get('org_number', null_text)) }} as mk_org_number,
        {{ org_number_clean(k.get('vat_number', null_text)) }} as mk_vat_number,
        {%- if k.get('org_number_from_vat') and k.get('org_number_from_vat') != k.get('vat_number') %}
        {{ org_number_clean(k.get('org_number_from_vat')) }} as mk_vat_for_org,
        {%- endif %}
        {{ postcode_clean(k.get('postcode', null_text)) }} as mk_postcode
    from located

)

select

    ----------  ids
    mk_record_id as record_id,
    mk_parent_id as parent_id,

    ----------  flags
    {% if deleted -%}
    mk_record_id in (select record_id from deleted) as is_deleted,
    {%- else -%}
    false as is_deleted,
    {%- endif %}

    ----------  names
    coalesce(
        {{ normalise_company_name(k.get('company_name', null_text)) }},
        {{ normalise_text(k.get('department_name', null_text)) }},
        {{ normalise_text(k.get('product_name', null_text)) }},
        nullif(trim(
            coalesce({{ normalise_person_name(k.get('first_name', null_text)) }}, '')
            || ' '
            || coalesce({{ normalise_person_name(k.get('last_name', null_text)) }}, '')
        ), '')
    ) as name,
    {{ normalise_person_name(k.get('first_name', null_text)) }} as first_name,
    {{ normalise_person_name(k.get('last_name', null_text)) }} as last_name,
    {%- if parent or k.get('employer_name') %}
    {{ normalise_company_name('mk_parent_name') }} as employer_name,
    coalesce(
        {{ normalise_web_domain('mk_parent_website') }},
        {{ email_domain(email_finish('mk_email')) }}
    ) as employer_domain,
    {%- else %}
    {{ null_text }} as employer_name,
    {{ null_text }} as employer_domain,
    {%- endif %}

    ----------  contact points
    {{ email_finish('mk_email') }} as email,
    {{ phone_e164('mk_phone', 'mk_country_code', default_country) }} as phone,
    {{ phone_e164('mk_mobile', 'mk_country_code', default_country) }} as mobile,
    {{ web_domain_finish('mk_web_host') }} as web_domain,

    ----------  registry numbers
    coalesce(
        {{ org_number_finish('mk_org_number') }},
        {%- if k.get('org_number_from_vat') and k.get('org_number_from_vat') != k.get('vat_number') %}
        {{ org_number_from_vat(org_number_finish('mk_vat_for_org'), 'mk_country_code') }}
        {%- elif k.get('org_number_from_vat') %}
        {{ org_number_from_vat(org_number_finish('mk_vat_number'), 'mk_country_code') }}
        {%- else %}
        {{ null_text }}
        {%- endif %}
    ) as org_number,
    {{ org_number_finish('mk_vat_number') }} as vat_number,

    ----------  address
    mk_country_code as country_code,
    {{ postcode_finish('mk_postcode', 'mk_country_code') }} as postcode,
    {{ normalise_text(k.get('city', null_text)) }} as city,
    {{ normalise_text(k.get('street', null_text)) }} as street,

    ----------  products and departments
    {{ normalise_code(k.get('code', null_text)) }} as code,
    cast({{ k.get('price', 'null') }} as {{ dbt.type_numeric() }}) as price,

    ----------  dates
    cast({{ k.get('birth_date', 'null') }} as date) as birth_date

from cleaned
{%- endmacro %}
