{#- Random pairs of the person flows (a hash sample of each side) and their levels, for u: macros/match_models.sql. -#}
{{ match_random_pairs('person') }}
