{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 10 (PowerOffice Go Departments → Zoho CRM Account): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=10) }}
