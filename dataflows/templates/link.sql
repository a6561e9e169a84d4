{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    The permanent links of flow [[ flow.flow_id ]] ([[ flow.source ]] → [[ flow.target ]]): macros/link_table.sql. -#}
{{ link_table(flow_id=[[ flow.flow_id ]]) }}
