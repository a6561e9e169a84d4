{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 4 (WebCRM Organisations → Custom CRM Customer): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=4) }}
