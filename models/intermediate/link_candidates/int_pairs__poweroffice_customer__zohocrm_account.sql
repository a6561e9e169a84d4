{#- Candidate pairs of flow 9 (Customers → Account): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=9, source='poweroffice__customers', target='zohocrm__accounts', kind='company') }}
