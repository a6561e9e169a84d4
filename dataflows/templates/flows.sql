{#-
    Generated from seeds/flows.csv by `python -m dataflows`; edit the seed, not this file.

    declared_flows(): what dbt must know of every flow when it parses the project, before any seed is loaded: the
    models a flow's models ref (its sides, system__entity; the matching models of its kind when its match_rule
    names `probabilistic`). Everything else of a flow is read from the seed at run time (flow_config), and
    flow_config checks this list against the seed then.
-#}
{% macro declared_flows() -%}
{{ return([
[%- for flow in flows %]
    {'flow_id': [[ flow.flow_id ]], 'flow_name': '[[ flow.flow_name ]]', 'kind': '[[ flow.kind ]]',
     'source': '[[ flow.source_side ]]', 'target': '[[ flow.target_side ]]', 'probabilistic': [[ flow.probabilistic | lower ]]},
[%- endfor %]
]) }}
{%- endmacro %}
