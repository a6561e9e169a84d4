{#- Generated from seeds/flows.csv by `python -m dataflows`; edit the seed row, not this file.
    Candidate pairs of flow [[ flow.flow_id ]] ([[ flow.source ]] → [[ flow.target ]]): macros/link_candidates.sql. -#}
{{ link_candidates(flow_id=[[ flow.flow_id ]]) }}
