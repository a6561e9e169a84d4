{#-
    Match-key normalisation: each macro turns one raw column expression into the form two systems can compare.
    They return NULL when nothing usable is left, so a NULL key never joins. Each dispatches (adapter.dispatch) to
    its default__ form: plain SQL over the helpers in cross_db.sql (regex_replace_all, ascii_fold), so it runs on
    any adapter those support; an adapter with a better tool (a phone-number UDF, say) can bring its own
    <adapter>__normalise_phone. The ones that read a cleaned value several times come in two halves, a `_clean`
    (or `_kept`, `_host`) and a `_finish`: match_keys computes the first once per row into a column and hands
    that to the second, which at a million rows is the difference between one regular expression per value and
    twenty.
    Unit tests: models/intermediate/_intermediate__models.yml (int_match_key_examples).
-#}

{#- Legal-form words stripped from company names (lower case, dots and slashes already removed: A/S → as,
    B.V. → bv). Norway, Denmark, Sweden, Finland, the Netherlands, the UK, Germany and the US. -#}
{% macro legal_forms() -%}
{{ return([
    'as', 'asa', 'enk', 'da', 'ans', 'nuf', 'ks', 'sa', 'aps', 'ivs', 'is', 'amba', 'smba', 'ab', 'hb', 'kb',
    'oy', 'oyj', 'bv', 'nv', 'vof', 'cv', 'ltd', 'limited', 'plc', 'llp', 'lp', 'inc', 'llc', 'corp',
    'gmbh', 'ag', 'kg', 'ohg', 'ehf', 'hf', 'sarl', 'srl', 'spa'
]) }}
{%- endmacro %}

{#- Two-letter country prefixes written in front of organisation and VAT numbers (NO123456789MVA, DK12345678,
    NL123456789B01, GB123456789). NI and SC are not among them: they are part of UK company numbers. -#}
{% macro number_prefixes() -%}
{{ return([
    'NO', 'DK', 'SE', 'FI', 'IS', 'NL', 'BE', 'LU', 'GB', 'IE', 'DE', 'AT', 'CH', 'FR', 'ES', 'IT', 'PL',
    'EE', 'LV', 'LT'
]) }}
{%- endmacro %}

{#- Per ISO country: calling code, length of the national significant number (none: any), and whether national
    numbers are written with a trunk 0 in front. -#}
{% macro phone_plans() -%}
{{ return({
    'NO': ('47', 8, false), 'DK': ('45', 8, false), 'IS': ('354', 7, false),
    'SE': ('46', none, true), 'FI': ('358', none, true), 'NL': ('31', 9, true), 'BE': ('32', none, true),
    'GB': ('44', 10, true), 'IE': ('353', none, true), 'DE': ('49', none, true), 'FR': ('33', 9, true),
}) }}
{%- endmacro %}


{#- Lower case, ASCII letters and digits separated by single spaces; NULL when empty. -#}
{% macro normalise_text(expr) -%}
    {{ return(adapter.dispatch('normalise_text', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_text(expr) -%}
    nullif(trim({{ regex_replace_all(ascii_fold(expr), '[^a-z0-9]+', ' ') }}), '')
{%- endmacro %}


{#-
    A company name without its legal form: "Fjord Consulting A/S" = "FJORD  CONSULTING as" = "AS Fjord Consulting"
    = "Fjord Consulting AS (2)" → "fjord consulting". Steps: fold to lower ASCII; drop a trailing " (n)" that CRMs
    append to duplicate names; remove dots and slashes so A/S, A.S. and B.V. become words; other punctuation to
    spaces; then strip a trailing run of legal-form words and a leading AS/ASA.
-#}
{% macro normalise_company_name(expr) -%}
    {{ return(adapter.dispatch('normalise_company_name', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_company_name(expr) -%}
    {%- set forms = legal_forms() | join('|') -%}
    {%- set words = regex_replace_all(
        regex_replace_all(
            regex_replace_all(ascii_fold(expr), '[(][0-9]+[)] *$', ''),
            '[./]', ''
        ),
        '[^a-z0-9]+', ' '
    ) -%}
    {%- set stripped = regex_replace_all(
        regex_replace_all("' ' || " ~ words ~ " || ' '", '( (' ~ forms ~ '))+ +$', ' '),
        '^ +(as|asa) ', ' '
    ) -%}
    nullif(trim({{ stripped }}), '')
{%- endmacro %}


{#- A person's first or last name: lower ASCII letters, hyphens and other separators as single spaces. -#}
{% macro normalise_person_name(expr) -%}
    {{ return(adapter.dispatch('normalise_person_name', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_person_name(expr) -%}
    nullif(trim({{ regex_replace_all(ascii_fold(expr), '[^a-z]+', ' ') }}), '')
{%- endmacro %}


{#- An e-mail address in lower case without spaces or a mailto: prefix; NULL unless it looks like a@b.c. -#}
{% macro normalise_email(expr) -%}
    {{ return(adapter.dispatch('normalise_email', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_email(expr) -%}
    {{ email_finish(email_clean(expr)) }}
{%- endmacro %}

{#- Its two halves: the cleaning (one regular expression) and the check on the cleaned value. match_keys computes
    the first once per row and gives the second a column. -#}
{% macro email_clean(expr) -%}
    {{ regex_replace_all('lower(' ~ expr ~ ')', '^mailto:|[[:space:]]', '') }}
{%- endmacro %}

{% macro email_finish(cleaned) -%}
    case when {{ cleaned }} like '%_@_%._%' then {{ cleaned }} end
{%- endmacro %}


{#- The domain of a normalised e-mail address. -#}
{% macro email_domain(email_expr) -%}
    {{ return(adapter.dispatch('email_domain', 'crm_sync')(email_expr)) }}
{%- endmacro %}

{% macro default__email_domain(email_expr) -%}
    nullif({{ dbt.split_part(email_expr, "'@'", 2) }}, '')
{%- endmacro %}


{#- A web address's host without scheme, www., port or path: "https://www.Fjord.no/om-oss" → "fjord.no". -#}
{% macro normalise_web_domain(expr) -%}
    {{ return(adapter.dispatch('normalise_web_domain', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_web_domain(expr) -%}
    {{ web_domain_finish(web_domain_host(expr)) }}
{%- endmacro %}

{% macro web_domain_host(expr) -%}
    {{ regex_replace_all(
        regex_replace_all(
            regex_replace_all('lower(trim(' ~ expr ~ '))', '^[a-z][a-z0-9+.-]*://', ''),
            '^www[0-9]*[.]', ''
        ),
        '[/?#:].*$|[.]$', ''
    ) }}
{%- endmacro %}

{% macro web_domain_finish(host) -%}
    case when {{ host }} like '%_._%' and {{ host }} not like '% %' and {{ host }} not like '%@%' then {{ host }} end
{%- endmacro %}


{#-
    A phone number in E.164 (+4722334455), from the ways people write it: "+47 22 33 44 55", "(+47) 22-33-44-55",
    "0047 22334455", "22334455", "020 7946 0958". A number without a calling code takes the record's country
    (an ISO alpha-2 expression) and, for a country without one, `default_country`. NULL when the result is not
    8 to 15 digits long.
-#}
{% macro normalise_phone(expr, country_expr='null', default_country='NO') -%}
    {{ return(adapter.dispatch('normalise_phone', 'crm_sync')(expr, country_expr, default_country)) }}
{%- endmacro %}

{% macro default__normalise_phone(expr, country_expr='null', default_country='NO') -%}
    {{ phone_e164(phone_kept(expr), country_expr, default_country) }}
{%- endmacro %}

{#- Its two halves: the number's digits and plus signs (one regular expression), and the E.164 form of those,
    which reads them many times (match_keys gives it a column). -#}
{% macro phone_kept(expr) -%}
    {{ regex_replace_all(expr, '[^0-9+]', '') }}
{%- endmacro %}

{% macro phone_e164(kept, country_expr='null', default_country='NO') -%}
    {%- set digits = "replace(" ~ kept ~ ", '+', '')" -%}
    {%- set country = 'coalesce(' ~ country_expr ~ ", '" ~ default_country ~ "')" -%}
    {%- set e164 -%}
    case
        when {{ kept }} like '+%' then '+' || {{ digits }}
        when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
        {%- for iso, plan in phone_plans().items() %}
        {%- set code, length, trunk = plan %}
        {%- if trunk and length %}
        when {{ country }} = '{{ iso }}' and {{ digits }} like '0%' and length({{ digits }}) = {{ length + 1 }}
            then '+{{ code }}' || substr({{ digits }}, 2)
        {%- elif trunk %}
        when {{ country }} = '{{ iso }}' and {{ digits }} like '0%' then '+{{ code }}' || substr({{ digits }}, 2)
        {%- endif %}
        {%- if length %}
        when {{ country }} = '{{ iso }}' and length({{ digits }}) = {{ length }} then '+{{ code }}' || {{ digits }}
        when {{ country }} = '{{ iso }}' and length({{ digits }}) = {{ length + code | length }}
            and {{ digits }} like '{{ code }}%' then '+' || {{ digits }}
        {%- endif %}
        {%- endfor %}
    end
    {%- endset -%}
    case when length({{ e164 }}) between 9 and 16 then {{ e164 }} end
{%- endmacro %}


{#-
    A registry number as its digits (and letters for UK numbers like SC123456): spaces, dots and dashes go, as do
    a country prefix (NO, DK, ..., repeated ones too: NONO123456789MVA) and the Norwegian MVA suffix.
    "NO 923 456 789 MVA" → "923456789", "DK 12 34 56 78" → "12345678", "GBSC123456" → "SC123456". NULL when
    fewer than 6 digits are left (a department code such as "OSL-SALES-2" is not a registry number).
-#}
{% macro normalise_org_number(expr) -%}
    {{ return(adapter.dispatch('normalise_org_number', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_org_number(expr) -%}
    {{ org_number_finish(org_number_clean(expr)) }}
{%- endmacro %}

{% macro org_number_clean(expr) -%}
    {{ regex_replace_all(
        regex_replace_all(
            regex_replace_all('upper(' ~ expr ~ ')', '[^A-Z0-9]', ''),
            'MVA$', ''
        ),
        '^(' ~ (number_prefixes() | join('|')) ~ ')+', ''
    ) }}
{%- endmacro %}

{% macro org_number_finish(cleaned) -%}
    case when length({{ regex_replace_all(cleaned, '[^0-9]', '') }}) >= 6 then {{ cleaned }} end
{%- endmacro %}


{#- A VAT number compared as written without its country prefix: "NL123456789B01" → "123456789B01". The same
    cleaning as normalise_org_number; kept as its own macro because the two keys are different rules. -#}
{% macro normalise_vat_number(expr) -%}
    {{ return(adapter.dispatch('normalise_vat_number', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_vat_number(expr) -%}
    {{ normalise_org_number(expr) }}
{%- endmacro %}


{#- The registry number inside a normalised VAT number (normalise_vat_number's result) where the country builds
    one from the other: Norway (NO + 9 digits + MVA) and Denmark (DK + CVR). NULL for other countries, whose VAT
    numbers are separate numbers. -#}
{% macro org_number_from_vat(vat_number, country_expr) -%}
    {{ return(adapter.dispatch('org_number_from_vat', 'crm_sync')(vat_number, country_expr)) }}
{%- endmacro %}

{% macro default__org_number_from_vat(vat_number, country_expr) -%}
    case
        when {{ country_expr }} = 'NO' and length({{ vat_number }}) = 9 then {{ vat_number }}
        when {{ country_expr }} = 'DK' and length({{ vat_number }}) = 8 then {{ vat_number }}
    end
{%- endmacro %}


{#- A postcode in upper case without spaces or dashes ("1011 ab" → "1011AB"); Norwegian and Danish codes stored
    as numbers get their leading zero back ("150" → "0150"). -#}
{% macro normalise_postcode(expr, country_expr='null') -%}
    {{ return(adapter.dispatch('normalise_postcode', 'crm_sync')(expr, country_expr)) }}
{%- endmacro %}

{% macro default__normalise_postcode(expr, country_expr='null') -%}
    {{ postcode_finish(postcode_clean(expr), country_expr) }}
{%- endmacro %}

{% macro postcode_clean(expr) -%}
    {{ regex_replace_all('upper(' ~ expr ~ ')', '[^A-Z0-9]', '') }}
{%- endmacro %}

{% macro postcode_finish(code, country_expr='null') -%}
    case
        when {{ code }} = '' then null
        when {{ country_expr }} in ('NO', 'DK') and length({{ code }}) < 4 then lpad({{ code }}, 4, '0')
        else {{ code }}
    end
{%- endmacro %}


{#- A product number or department code: upper case, letters and digits only ("sku-001 23" → "SKU00123"). -#}
{% macro normalise_code(expr) -%}
    {{ return(adapter.dispatch('normalise_code', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__normalise_code(expr) -%}
    nullif({{ regex_replace_all('upper(' ~ ascii_fold(expr) ~ ')', '[^A-Z0-9]', '') }}, '')
{%- endmacro %}


{#- The lookup form of a free-text country ("  Norge " → "norge"): joined to the country_codes seed's names, which
    carry the spellings with and without accents themselves. -#}
{% macro country_lookup_key(expr) -%}
    {{ return(adapter.dispatch('country_lookup_key', 'crm_sync')(expr)) }}
{%- endmacro %}

{% macro default__country_lookup_key(expr) -%}
    lower(trim({{ expr }}))
{%- endmacro %}
