{#- Every blocked pair of the person flows scored: match weight, probability, evidence: macros/match_models.sql. -#}
{{ match_scores('person') }}
