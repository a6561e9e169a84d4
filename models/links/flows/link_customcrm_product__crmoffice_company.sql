{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    The permanent links of flow 8 (Custom CRM Product → CRMOffice Companies): macros/link_table.sql. -#}
{{ link_table(flow_id=8) }}
