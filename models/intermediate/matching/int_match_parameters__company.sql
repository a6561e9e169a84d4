{#- m, u and the match weight per company flow, comparison and level, estimated from the data: macros/match_models.sql. -#}
{{ match_parameters('company') }}
