{#- Candidate pairs of flow 3 (Deal → Order): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=3, source='zohocrm__deals', target='customcrm__orders', kind='none') }}
