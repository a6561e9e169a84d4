{#- Candidate pairs of flow 12 (Contact → Contacts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=12, source='customcrm__contacts', target='exact__contacts', kind='person') }}
