{#- m, u and the match weight per person flow, comparison and level, estimated from the data: macros/match_models.sql. -#}
{{ match_parameters('person') }}
