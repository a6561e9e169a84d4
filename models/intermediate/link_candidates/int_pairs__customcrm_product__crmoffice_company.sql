{#- Candidate pairs of flow 8 (Product → Companies): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=8, source='customcrm__products', target='crmoffice__companies', kind='product') }}
