{#- The candidate pairs of the person flows and every comparison's level: macros/match_models.sql. -#}
{{ match_pairs('person') }}
-- depends_on: {{ ref('int_shared_emails') }}, {{ ref('int_given_name_pairs') }}
