{#- Candidate pairs of flow 2 (Contact → Contact): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=2, source='zohocrm__contacts', target='customcrm__contacts', kind='person') }}
