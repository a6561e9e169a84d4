{#-
    The match rules per kind of record (company, person, product, department). A flow's `match_rule` in
    seeds/flows.csv picks rules of its kind by name, strongest first ("org_number>email>domain>name_postcode");
    rules_for() turns that into this list. Each rule is explainable, and all but `probabilistic` are deterministic:

      keys       columns of the match-key models that must all be equal (and not NULL) on both sides;
                 a key value that more than one record on either side holds is never linked on (it goes to
                 link_review instead), so a mailbox two customers share links neither of them
      shared_anywhere  a model of key values the warehouse shows to be shared (int_shared_emails: several records
                 of one system, or different names in two systems; int_shared_names: several people of one system,
                 or different birth dates in two), with a column named like the rule's key: never linked on either,
                 though the flow's two sides hold the value once each
      guard      a condition over the pair (s = source record, t = target record) that must hold as well:
                 corroboration by a second field and no contradiction on a strong one
      fuzzy      instead of keys: records in one block (every block expression equal; @ stands for the record;
                 several blocks are tried, like Splink's blocking rules) whose `score` (a similarity over s and t)
                 is at least `threshold`; linked only when each side has exactly one such candidate. `key` is
                 the column recorded as the link's key
      probabilistic  instead of keys: the Fellegi–Sunter scores of int_match_scores__<kind> (macros/fellegi_sunter.sql),
                 linked from match probability 0.99 when the kind's guard holds and neither record has another pair
                 from 0.5 up; the key recorded is the evidence, field by field

    Guards use these pieces (NULL-safe: a missing value never contradicts):
      no_conflict         organisation numbers, VAT numbers and countries do not contradict
      corroborated        names at least 0.8 similar, or two of postcode, street, phone, e-mail, domain agree
      same_site           postcode or street agree, or one side has neither
      no_site_conflict    street and phone do not both contradict (two companies of one name in one city)
      no_person_conflict  e-mail addresses, mobile numbers (their national digits: a number written without its
                          calling code reads as +47 in one system and +45 in another) and birth dates do not contradict
      same_first_name     first names at least 0.9 similar, or one typo apart (gunn / gujn: short names fall under
                          0.9 Jaro-Winkler with a single typo)
      same_place          postcode or city agree, or one side has neither
      similar_name(x)     name similarity (Jaro-Winkler where the adapter has it) at least x
-#}

{% macro _differ(column) -%}
    coalesce(s.{{ column }} <> t.{{ column }}, false)
{%- endmacro %}

{% macro _agree(column) -%}
    coalesce(s.{{ column }} = t.{{ column }}, false)
{%- endmacro %}

{% macro _no_conflict() -%}
    not ({{ _differ('org_number') }} or {{ _differ('vat_number') }} or {{ _differ('country_code') }})
{%- endmacro %}

{#- Two phone numbers contradict only when their last 8 digits differ: the same national number written without a
    calling code gets the country of each record, and a person's country is not the same in every system. -#}
{% macro _differ_number(column) -%}
    coalesce({{ dbt.right('s.' ~ column, '8') }} <> {{ dbt.right('t.' ~ column, '8') }}, false)
{%- endmacro %}

{% macro _no_person_conflict() -%}
    not ({{ _differ('email') }} or {{ _differ_number('mobile') }} or {{ _differ('birth_date') }})
{%- endmacro %}

{% macro _same_first_name() -%}
    ({{ _similar('first_name', 0.9) }} or coalesce({{ edit_distance('s.first_name', 't.first_name') }} <= 1, false))
{%- endmacro %}

{% macro _same_place() -%}
    (
        {{ _agree('postcode') }} or {{ _agree('city') }}
        or (s.postcode is null and s.city is null) or (t.postcode is null and t.city is null)
    )
{%- endmacro %}

{% macro _similarity(column) -%}
    {{ name_similarity('s.' ~ column, 't.' ~ column) }}
{%- endmacro %}

{% macro _similar(column, threshold) -%}
    coalesce({{ _similarity(column) }} >= {{ threshold }}, false)
{%- endmacro %}

{% macro _agreements() -%}
    (
        {%- for column in ['postcode', 'street', 'phone', 'email', 'web_domain'] %}
        case when {{ _agree(column) }} then 1 else 0 end{% if not loop.last %} +{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- One side's employer name, spaces removed, is the first label of the other side's employer domain ("serra
    groothandel randstad" / serragroothandelrandstad.nl, "liverpool logistics" / liverpool-logistics.co.uk): most
    companies' web and mail domains are their names, and a system that has no company record for a contact often
    still has the contact's work address. -#}
{% macro _employer_name_is_domain() -%}
    {%- set checks = [] -%}
    {%- for a, b in [('s', 't'), ('t', 's')] -%}
        {%- set label = regex_replace_all(dbt.split_part(b ~ '.employer_domain', "'.'", 1), '-', '') -%}
        {%- do checks.append("coalesce(replace(" ~ a ~ ".employer_name, ' ', '') = " ~ label ~ ", false)") -%}
    {%- endfor -%}
    ({{ checks | join(' or ') }})
{%- endmacro %}

{% macro _corroborated() -%}
    ({{ _similar('name', 0.8) }} or {{ _agreements() }} >= 2)
{%- endmacro %}

{% macro _same_site() -%}
    (
        {{ _agree('postcode') }} or {{ _agree('street') }}
        or (s.postcode is null and s.street is null) or (t.postcode is null and t.street is null)
    )
{%- endmacro %}

{% macro _no_site_conflict() -%}
    not ({{ _differ('street') }} and {{ _differ('phone') }})
{%- endmacro %}


{#- Person rule `name`: the full name alone, for the pairs where nothing else overlaps (one system has the person's
    work e-mail and employer, the other only a home address or a private number). Only a name that no two records
    of any one system hold (int_shared_names: that is where homonyms show), with first and last name both there, and
    nothing contradicting: e-mail, mobile, phone, birth date, country, postcode, employer (at 10,000 records per
    entity the homonyms each system knows one of are what is left; a different phone number is what tells some). -#}
{% macro match_rule_library() -%}
{#- Fellegi–Sunter scores for the records no exact rule settled (macros/fellegi_sunter.sql), always the last rule. -#}
{%- set probabilistic = {'name': 'probabilistic', 'probabilistic': true, 'guard': 'true'} -%}
{{ return({
    'company': [
        {'name': 'org_number', 'keys': ['org_number'],
         'guard': _no_conflict() ~ ' and ' ~ _corroborated()},
        {'name': 'vat_number', 'keys': ['vat_number'],
         'guard': _no_conflict() ~ ' and ' ~ _corroborated()},
        {'name': 'email', 'keys': ['email'], 'shared_anywhere': 'int_shared_emails',
         'guard': _no_conflict() ~ ' and ' ~ _similar('name', 0.8) ~ ' and ' ~ _same_site()
                  ~ ' and ' ~ _no_site_conflict()},
        {'name': 'domain', 'keys': ['web_domain'],
         'guard': _no_conflict() ~ ' and ' ~ _similar('name', 0.8) ~ ' and ' ~ _same_site()
                  ~ ' and ' ~ _no_site_conflict()},
        {'name': 'phone', 'keys': ['phone'],
         'guard': _no_conflict() ~ ' and ' ~ _similar('name', 0.8) ~ ' and ' ~ _same_place()},
        {'name': 'name_postcode', 'keys': ['name', 'postcode'],
         'guard': _no_conflict() ~ ' and ' ~ _no_site_conflict()},
        {'name': 'name_street', 'keys': ['name', 'street'],
         'guard': _no_conflict() ~ ' and ' ~ _same_place()},
        {'name': 'name_fuzzy',
         'guard': _no_conflict() ~ ' and ' ~ _no_site_conflict() ~ ' and not ' ~ _differ('web_domain'),
         'fuzzy': {'key': 'name', 'threshold': 0.9,
                   'score': 'case when ' ~ edit_distance('s.name', 't.name') ~ ' <= 2 then '
                            ~ _similarity('name') ~ ' end',
                   'blocks': [
                       ['@.postcode', '@.street'],
                       ['@.street', 'substr(@.name, 1, 3)'],
                       ['@.postcode', 'substr(@.name, 1, 8)'],
                   ]}},
        probabilistic,
    ],
    'person': [
        {'name': 'email', 'keys': ['email'], 'shared_anywhere': 'int_shared_emails',
         'guard': '((' ~ _same_first_name() ~ ' and ' ~ _similar('last_name', 0.8) ~ ') or ('
                  ~ _similar('name', 0.9) ~ ' and ' ~ _similar('employer_name', 0.9) ~ '))'},
        {'name': 'mobile', 'keys': ['mobile'],
         'guard': _similar('name', 0.85)},
        {'name': 'phone', 'keys': ['phone'],
         'guard': _similar('name', 0.85)},
        {'name': 'name_employer', 'keys': ['name', 'employer_name'],
         'guard': _no_person_conflict()},
        {'name': 'name_employer_domain', 'keys': ['name', 'employer_domain'],
         'guard': _no_person_conflict()},
        {'name': 'name_birth_date', 'keys': ['name', 'birth_date'],
         'guard': _no_person_conflict()},
        {'name': 'name_postcode', 'keys': ['name', 'postcode'],
         'guard': _no_person_conflict()},
        {'name': 'name_employer_fuzzy', 'guard': _no_person_conflict(),
         'fuzzy': {'key': 'name',
                   'score': 'case when ' ~ _similar('employer_name', 0.85) ~ ' or ' ~ _agree('employer_domain')
                            ~ ' or ' ~ _employer_name_is_domain() ~ ' then ' ~ _similarity('name') ~ ' end',
                   'threshold': 0.9,
                   'blocks': [['@.employer_name'], ['@.employer_domain'], ['@.name']]}},
        {'name': 'name', 'keys': ['name'], 'shared_anywhere': 'int_shared_names',
         'guard': 's.first_name is not null and s.last_name is not null and t.first_name is not null'
                  ~ ' and t.last_name is not null and ' ~ _no_person_conflict() ~ ' and not ' ~ _differ_number('phone')
                  ~ ' and not ' ~ _differ('country_code') ~ ' and not ' ~ _differ('postcode')
                  ~ ' and not (s.employer_name is not null and t.employer_name is not null and not '
                  ~ _similar('employer_name', 0.7) ~ ')'},
        probabilistic,
    ],
    'product': [
        {'name': 'sku', 'keys': ['code'], 'guard': 'true'},
        {'name': 'name_price', 'keys': ['name', 'price'], 'guard': 'true'},
        {'name': 'name', 'keys': ['name'], 'guard': 'not ' ~ _differ('price')},
    ],
    'department': [
        {'name': 'code', 'keys': ['code'], 'guard': 'true'},
        {'name': 'name', 'keys': ['name'], 'guard': 'not ' ~ _differ('code')},
    ],
    'deal': [],
}) }}
{%- endmacro %}


{#- The ordered rules of a flow: its match_rule value from seeds/flows.csv ("org_number>domain>name_postcode",
    strongest first; "none" for none) looked up in the library of the flow's kind of record. -#}
{% macro rules_for(match_rule, kind) -%}
    {%- set library = match_rule_library() -%}
    {%- if kind not in library -%}
        {{ exceptions.raise_compiler_error(
            "kind '" ~ kind ~ "': must be one of " ~ (library.keys() | list | join(', '))
        ) }}
    {%- endif -%}
    {%- set text = (match_rule or 'none') | string | trim | lower -%}
    {%- set wanted = [] if text == 'none' else text.replace(' ', '').split('>') -%}
    {%- set by_name = {} -%}
    {%- for rule in library[kind] -%}
        {%- do by_name.update({rule.name: rule}) -%}
    {%- endfor -%}
    {%- set rules = [] -%}
    {%- for name in wanted -%}
        {%- if name not in by_name -%}
            {{ exceptions.raise_compiler_error(
                "match_rule '" ~ match_rule ~ "': no rule '" ~ name ~ "' for " ~ kind ~ " records (known: "
                ~ (by_name.keys() | list | join(', ')) ~ ")"
            ) }}
        {%- endif -%}
        {%- do rules.append(by_name[name]) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}
