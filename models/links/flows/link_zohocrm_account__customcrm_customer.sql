{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    The permanent links of flow 1 (Zoho CRM Account → Custom CRM Customer): macros/link_table.sql. -#}
{{ link_table(flow_id=1) }}
