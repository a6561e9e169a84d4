{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 2 (Zoho CRM Contact → Custom CRM Contact): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=2) }}
