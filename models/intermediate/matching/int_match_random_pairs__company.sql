{#- Random pairs of the company flows (a hash sample of each side) and their levels, for u: macros/match_models.sql. -#}
{{ match_random_pairs('company') }}
