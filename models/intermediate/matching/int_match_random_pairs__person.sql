{#- Random pairs of the person flows (a hash sample of each side) and their levels, for u: macros/match_models.sql. -#}
{{ match_random_pairs('person') }}
-- depends_on: {{ ref('int_shared_emails') }}, {{ ref('int_given_name_pairs') }}
