{#- The candidate pairs of the person flows and every comparison's level: macros/match_models.sql. -#}
{{ match_pairs('person') }}
