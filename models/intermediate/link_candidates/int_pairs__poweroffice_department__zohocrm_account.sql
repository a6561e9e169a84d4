{#- Candidate pairs of flow 10 (Departments → Account): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=10, source='poweroffice__departments', target='zohocrm__accounts', kind='department') }}
