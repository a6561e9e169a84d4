{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 11 (PowerOffice Go Customers person → Zoho CRM Contact): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=11) }}
