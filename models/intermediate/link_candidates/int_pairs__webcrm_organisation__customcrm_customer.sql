{#- Candidate pairs of flow 4 (Organisations → Customer): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=4, source='webcrm__organisations', target='customcrm__customers', kind='company') }}
