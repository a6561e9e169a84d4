{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 13 (Custom CRM Customer → Exact Online Accounts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=13) }}
