{#-
    Full names of people that more than one real person holds, as far as the warehouse can tell: more than one live
    record of one system and entity has it (two John Bergs at different companies, or one person entered twice),
    or records in two systems have it with different birth dates. The `name` rule never links on these, even in a
    flow whose two sides hold the name once each: the other John Berg may be the one the other system knows.
    Companies, products and departments are not people (their match keys have no first name) and are not read.
-#}

with

holders as (

    {%- for side in match_key_sides() %}
    select '{{ side }}' as side, record_id, name, birth_date
    from {{ ref('int_' ~ side ~ '__match_keys') }}
    where first_name is not null and last_name is not null and not is_deleted
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

within_one_system as (

    select name, max(records) as holders
    from (select name, side, count(*) as records from holders group by name, side) as per_side
    group by name
    having max(records) > 1

),

across_systems as (

    select a.name, 2 as holders
    from holders as a
    inner join holders as b on b.name = a.name and b.side > a.side
    where a.birth_date <> b.birth_date
    group by a.name

),

shared as (

    select name, holders, 'several records in one system' as evidence from within_one_system
    union all
    select name, holders, 'different birth dates in two systems' as evidence from across_systems

)

select
    name,
    max(holders) as holders,
    min(evidence) as evidence
from shared
group by name
