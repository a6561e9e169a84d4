{#-
    E-mail addresses that more than one real-world thing uses, as far as the warehouse can tell: more than one
    live record of one system and entity holds it (a family's mailbox, an accountant's address several client
    companies give), or records in two systems hold it under clearly different names (the family mailbox where
    each system knows one member: first names under 0.85 similar; for companies, names under 0.8). The e-mail
    rules never link on these, even in a flow whose two sides hold the address once each; the pairs go to
    link_review as key_shared.
-#}

with

holders as (

    {%- for side in match_key_sides() %}
    select '{{ side }}' as side, record_id, email, name, first_name
    from {{ ref('int_' ~ side ~ '__match_keys') }}
    where email is not null and not is_deleted
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

within_one_system as (

    select email, max(records) as holders
    from (select email, side, count(*) as records from holders group by email, side) as per_side
    group by email
    having max(records) > 1

),

across_systems as (

    select a.email, 2 as holders
    from holders as a
    inner join holders as b on b.email = a.email and b.side > a.side
    where case
        when a.first_name is not null and b.first_name is not null
            then {{ name_similarity('a.first_name', 'b.first_name') }} < 0.85
        else {{ name_similarity('a.name', 'b.name') }} < 0.8
    end
    group by a.email

),

shared as (

    select email, holders, 'several records in one system' as evidence from within_one_system
    union all
    select email, holders, 'different names in two systems' as evidence from across_systems

)

select
    email,
    max(holders) as holders,
    min(evidence) as evidence
from shared
group by email
