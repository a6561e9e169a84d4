{#- The blocked pairs of the company flows, ids only, blocked once for scoring and EM: macros/match_models.sql. -#}
{{ match_blocked('company') }}
