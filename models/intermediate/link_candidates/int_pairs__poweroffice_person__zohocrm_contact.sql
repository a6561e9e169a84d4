{#- Candidate pairs of flow 11 (Customers person → Contact): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=11, source='poweroffice__customers', target='zohocrm__contacts', kind='person') }}
