{#- The candidate pairs of the company flows and every comparison's level: macros/match_models.sql. -#}
{{ match_pairs('company') }}
