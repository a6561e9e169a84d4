{#-
    What the models that read every flow need, derived from declared_flows() (macros/flows.sql, written from
    seeds/flows.csv by `python -m dataflows`): nothing here lists a flow.
-#}

{#- The declared flow with this id (flow_id, flow_name, kind, source, target, probabilistic). -#}
{% macro declared_flow(flow_id) -%}
    {%- set found = declared_flows() | selectattr('flow_id', 'equalto', flow_id | int) | list -%}
    {%- if found | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "flow " ~ flow_id ~ " is not in macros/flows.sql: add its row to seeds/flows.csv and run python -m dataflows"
        ) }}
    {%- endif -%}
    {{ return(found[0]) }}
{%- endmacro %}


{#- The flows' names: each has a link model link_<flow_name> that link_review and identity_clusters read. -#}
{% macro link_flow_names() -%}
    {{ return(declared_flows() | map(attribute='flow_name') | list) }}
{%- endmacro %}


{#- Every system__entity side of a flow. -#}
{% macro flow_sides() -%}
    {{ return(_sides(declared_flows())) }}
{%- endmacro %}


{#- The sides that are matched and so have a match-key model (models/intermediate/match_keys/int_<side>__match_keys):
    those of every flow but deals, which are never matched. -#}
{% macro match_key_sides() -%}
    {{ return(_sides(declared_flows() | rejectattr('kind', 'equalto', 'deal'))) }}
{%- endmacro %}


{% macro _sides(flows) -%}
    {%- set sides = [] -%}
    {%- for flow in flows -%}
        {%- do sides.extend([flow.source, flow.target]) -%}
    {%- endfor -%}
    {{ return(sides | unique | sort) }}
{%- endmacro %}
