{#- The records the exact rules of the person flows settle before the probabilistic one: macros/match_models.sql. -#}
{{ match_settled('person') }}
