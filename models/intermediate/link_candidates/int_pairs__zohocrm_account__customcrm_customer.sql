{#- Candidate pairs of flow 1 (Account → Customer): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=1, source='zohocrm__accounts', target='customcrm__customers', kind='company') }}
