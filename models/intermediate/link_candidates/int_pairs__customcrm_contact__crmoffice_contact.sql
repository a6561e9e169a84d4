{#- Candidate pairs of flow 7 (Contact → Contacts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=7, source='customcrm__contacts', target='crmoffice__contacts', kind='person') }}
