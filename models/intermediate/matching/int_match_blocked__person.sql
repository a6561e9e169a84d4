{#- The blocked pairs of the person flows, ids only, blocked once for scoring and EM: macros/match_models.sql. -#}
{{ match_blocked('person') }}
