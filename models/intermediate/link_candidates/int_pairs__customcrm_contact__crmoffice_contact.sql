{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow 7 (Custom CRM Contact → CRMOffice Contacts): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=7) }}
