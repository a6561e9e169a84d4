{#- Candidate pairs of flow 5 (Persons → Contact): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=5, source='webcrm__persons', target='customcrm__contacts', kind='person') }}
