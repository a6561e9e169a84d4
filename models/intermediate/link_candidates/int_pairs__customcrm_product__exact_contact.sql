{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 14 (Custom CRM Product → Exact Online Contacts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=14) }}
