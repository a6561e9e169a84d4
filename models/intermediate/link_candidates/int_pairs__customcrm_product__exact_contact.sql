{#- Candidate pairs of flow 14 (Product → Contacts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=14, source='customcrm__products', target='exact__contacts', kind='product') }}
