{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    The permanent links of flow 9 (PowerOffice Go Customers → Zoho CRM Account): macros/link_table.sql. -#}
{{ link_table(flow_id=9) }}
