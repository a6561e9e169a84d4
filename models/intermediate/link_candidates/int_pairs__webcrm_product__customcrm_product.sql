{#- Candidate pairs of flow 6 (Products → Product): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=6, source='webcrm__products', target='customcrm__products', kind='product') }}
