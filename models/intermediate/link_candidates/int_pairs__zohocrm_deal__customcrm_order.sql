{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 3 (Zoho CRM Deal → Custom CRM Order): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=3) }}
