{#-
    Pairs of first names one person goes by: a given name and a short form, pet form or other spelling of it
    (seeds/given_name_variants.csv), both ways round, normalised as the match keys normalise first names. Two
    variants of one name are not paired with each other: Jan and Hans are both Johannes, and both a name of their
    own. The person first_name comparison's `nickname` level (macros/fellegi_sunter.sql) looks pairs up here.
-#}
with

variants as (
    select
        {{ normalise_person_name('given_name') }} as given_name,
        {{ normalise_person_name('variant') }} as variant
    from {{ ref('given_name_variants') }}
),

both_ways as (
    select given_name as first_name, variant as other_first_name from variants
    union
    select variant as first_name, given_name as other_first_name from variants
)

select
    first_name || '|' || other_first_name as name_pair,
    first_name,
    other_first_name
from both_ways
where first_name <> other_first_name
