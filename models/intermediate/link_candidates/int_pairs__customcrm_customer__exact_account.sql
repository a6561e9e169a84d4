{#- Candidate pairs of flow 13 (Customer → Accounts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=13, source='customcrm__customers', target='exact__accounts', kind='company') }}
