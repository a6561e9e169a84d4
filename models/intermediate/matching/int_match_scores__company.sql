{#- Every blocked pair of the company flows scored: match weight, probability, evidence: macros/match_models.sql. -#}
{{ match_scores('company') }}
