{#-
    Every slot (int_sync__slots) in the form the merge compares it, with its field's policy and what the merge
    needs to judge its value at a first meeting.

    - Phones are compared in E.164. A national number is read as the national form of an international number of
      the same attribute when it is one, else in its record's country, else its cluster's most common country,
      else the country of an international number elsewhere in the cluster, the first that gives a number of
      that country's length (seeds/phone_countries, generated from the phonenumbers library): "+45 23 76 02 08"
      = "23760208" in a Danish record, "06 42116340" = "0031 642116340" in a Dutch one, "+44 (0)20 7946 0958" =
      "020 7946 0958".
    - Text, e-mails, websites and org numbers are compared as sync_canonical (macros/sync.sql) makes them:
      case, accents, spacing and punctuation aside; registry numbers without prefix or MVA.
    - A field whose policy lets the sync restyle it (normalise) is compared as written, so the better form wins.
    - Quality: is_valid (a phone that parses to a number of its country's length, a well-formed e-mail or web
      address, an org number of its country's length and check digit, a known country, a number or date that
      reads), has_country_code (a phone written with one), is_mixed_case (text neither all lower nor all upper).
-#}
-- depends_on: {{ ref('flows') }}
-- depends_on: {{ ref('field_mappings') }}
{%- set flows = sync_flows() %}
{%- set text = dbt.type_string() %}

with

slots as (

    select * from {{ ref('int_sync__slots') }}

),

{% if flows -%}
policies as (

    {{ field_policies(flows) }}

),
{%- else %}
policies as (

    select
        cast(null as {{ text }}) as system,
        cast(null as {{ text }}) as entity,
        cast(null as {{ text }}) as field,
        cast(null as {{ text }}) as first_meeting,
        cast(null as boolean) as normalise,
        cast(null as {{ text }}) as on_clear
    where 1 = 0

),
{%- endif %}

phone_countries as (

    select * from {{ ref('phone_countries') }}

),

main_regions as (

    select * from phone_countries where is_main

),

country_slots as (

    select slots.cluster_id, slots.system, slots.entity, slots.record_id, slots.canonical as country
    from slots
    inner join phone_countries on phone_countries.iso_code = slots.canonical
    where slots.compare_as = 'country'

),

record_countries as (

    select system, entity, record_id, min(country) as country
    from country_slots
    group by 1, 2, 3

),

cluster_countries as (

    select cluster_id, country
    from (
        select
            cluster_id,
            country,
            row_number() over (partition by cluster_id order by count(*) desc, country) as country_rank
        from country_slots
        group by 1, 2
    ) as counted
    where country_rank = 1

),

phones as (

    select
        system,
        entity,
        record_id,
        field,
        component_id,
        cluster_id,
        replace(kept, '+', '') as digits,
        case
            when kept like '+%' then replace(kept, '+', '')
            when kept like '00%' then substr(kept, 3)
        end as international_digits
    from (
        select slots.*, {{ phone_kept('value') }} as kept from slots where compare_as = 'phone'
    ) as phone_slots
    where kept <> ''

),

{#- Calling codes are prefix-free: at most one of the first one, two or three digits is one. -#}
international as (

    select
        phones.*,
        coalesce(code1.iso_code, code2.iso_code, code3.iso_code) as international_country
    from phones
    left join main_regions as code1 on code1.calling_code = substr(phones.international_digits, 1, 1)
    left join main_regions as code2 on code2.calling_code = substr(phones.international_digits, 1, 2)
    left join main_regions as code3 on code3.calling_code = substr(phones.international_digits, 1, 3)

),

cluster_phone_countries as (

    select cluster_id, min(international_country) as country
    from international
    group by cluster_id

),

{#- The countries a national number may be read in, in order: the country of an international number of the
    same attribute that it is the national form of (people write their own number without the code), its
    record's country, its cluster's most common one, the country of an international number elsewhere in its
    cluster. -#}
home_countries as (

    select distinct international.system, international.entity, international.record_id, international.field,
        0 as priority, written_in_full.international_country as country,
        written_in_full.international_digits as expected_digits
    from international
    inner join international as written_in_full
        on written_in_full.component_id = international.component_id
        and written_in_full.international_country is not null
    union all
    select international.system, international.entity, international.record_id, international.field,
        1 as priority, record_countries.country, null as expected_digits
    from international
    inner join record_countries
        on record_countries.system = international.system
        and record_countries.entity = international.entity
        and record_countries.record_id = international.record_id
    union all
    select international.system, international.entity, international.record_id, international.field,
        2 as priority, cluster_countries.country, null as expected_digits
    from international
    inner join cluster_countries on cluster_countries.cluster_id = international.cluster_id
    union all
    select international.system, international.entity, international.record_id, international.field,
        3 as priority, cluster_phone_countries.country, null as expected_digits
    from international
    inner join cluster_phone_countries on cluster_phone_countries.cluster_id = international.cluster_id

),

national_readings as (

    select
        international.system,
        international.entity,
        international.record_id,
        international.field,
        home_countries.priority,
        home_countries.expected_digits,
        home.iso_code as home_country,
        case
            when home.national_prefix is not null
                and international.digits like home.national_prefix || '%'
                and home.national_lengths like '%|'
                    || cast(length(international.digits) - length(home.national_prefix) as {{ text }}) || '|%'
                then home.calling_code || substr(international.digits, length(home.national_prefix) + 1)
            when home.national_lengths like '%|' || cast(length(international.digits) as {{ text }}) || '|%'
                then home.calling_code || international.digits
            when international.digits like home.calling_code || '%'
                and home.national_lengths like '%|'
                    || cast(length(international.digits) - length(home.calling_code) as {{ text }}) || '|%'
                then international.digits
        end as e164_digits
    from international
    inner join home_countries
        on home_countries.system = international.system
        and home_countries.entity = international.entity
        and home_countries.record_id = international.record_id
        and home_countries.field = international.field
    inner join phone_countries as home on home.iso_code = home_countries.country
    where international.international_digits is null

),

first_readings as (

    select *
    from (
        select
            national_readings.*,
            row_number() over (
                partition by system, entity, record_id, field order by priority
            ) as reading_rank
        from national_readings
        where e164_digits is not null
            and (expected_digits is null or e164_digits = expected_digits)
    ) as readable
    where reading_rank = 1

),

national as (

    select
        international.system,
        international.entity,
        international.record_id,
        international.field,
        coalesce(international.international_country, first_readings.home_country) as number_country,
        coalesce(international.international_digits, first_readings.e164_digits) as e164_digits
    from international
    left join first_readings
        on first_readings.system = international.system
        and first_readings.entity = international.entity
        and first_readings.record_id = international.record_id
        and first_readings.field = international.field

),

split_numbers as (

    select
        national.system,
        national.entity,
        national.record_id,
        national.field,
        national.number_country,
        substr(national.e164_digits, length(plan.calling_code) + 1) as national_number,
        plan.calling_code,
        plan.national_prefix,
        plan.national_lengths
    from national
    left join phone_countries as plan on plan.iso_code = national.number_country
    where national.e164_digits is not null

),

trunk_dropped as (

    select
        system,
        entity,
        record_id,
        field,
        calling_code,
        national_lengths,
        -- "+44 (0)20 ...": the national prefix written after the calling code is not part of the number
        case
            when national_prefix is not null
                and national_number like national_prefix || '%'
                and national_lengths not like '%|' || cast(length(national_number) as {{ text }}) || '|%'
                then substr(national_number, length(national_prefix) + 1)
            else national_number
        end as national_number
    from split_numbers

),

parsed_phones as (

    select
        system,
        entity,
        record_id,
        field,
        '+' || calling_code || national_number as e164,
        national_lengths like '%|' || cast(length(national_number) as {{ text }}) || '|%' as is_valid_phone
    from trunk_dropped

),

compared as (

    select
        slots.*,
        policies.first_meeting,
        policies.normalise,
        policies.on_clear,
        coalesce(record_countries.country, cluster_countries.country) as country,
        parsed_phones.e164,
        coalesce(parsed_phones.is_valid_phone, false) as is_valid_phone
    from slots
    left join policies
        on policies.system = slots.system
        and policies.entity = slots.entity
        and policies.field = slots.field
    left join record_countries
        on record_countries.system = slots.system
        and record_countries.entity = slots.entity
        and record_countries.record_id = slots.record_id
    left join cluster_countries on cluster_countries.cluster_id = slots.cluster_id
    left join parsed_phones
        on slots.compare_as = 'phone'
        and parsed_phones.system = slots.system
        and parsed_phones.entity = slots.entity
        and parsed_phones.record_id = slots.record_id
        and parsed_phones.field = slots.field

)

select
    ----------  the slot (int_sync__slots), compared value replaced below
    component_id,
    cluster_id,
    class_id,
    system,
    entity,
    record_id,
    field,
    flow_id,
    compare_as,
    value_type,
    is_read_back,
    value,
    case
        when coalesce(normalise, false) and compare_as in ('text', 'email', 'phone', 'website', 'org_number')
            then value
        when compare_as = 'phone' then coalesce(e164, {{ phone_kept('value') }})
        -- computed here from the value, so the equivalence of forms is in one place (macros/sync.sql)
        when compare_as in ('text', 'email', 'website', 'org_number')
            then {{ sync_canonical('value', 'compare_as', 'null') }}
        else canonical
    end as canonical,
    written,
    parent_system,
    parent_entity,
    is_known,
    modified_at,

    ----------  the field's policy (seeds/field_mappings.csv)
    coalesce(first_meeting, 'quality') as first_meeting,
    coalesce(normalise, false) as normalise,
    coalesce(on_clear, 'hold') as on_clear,

    ----------  the value's quality, for a first meeting
    country,
    value is not null and case compare_as
        when 'phone' then is_valid_phone
        when 'email' then {{ regex_full_match('value', '[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+') }}
        when 'website' then {{ normalise_web_domain('value') }} is not null
        when 'org_number' then coalesce({{ org_number_valid(normalise_org_number('value'), 'country') }}, false)
        when 'country' then canonical in (select iso_code from phone_countries)
        when 'decimal' then canonical is not null
        when 'date' then canonical is not null
        else true
    end as is_valid,
    compare_as = 'phone' and (value like '+%' or {{ phone_kept('value') }} like '00%') as has_country_code,
    compare_as = 'text' and value <> lower(value) and value <> upper(value) as is_mixed_case

from compared
