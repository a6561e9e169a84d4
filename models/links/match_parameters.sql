{#-
    The probabilistic matching's parameters for analysts: per flow, comparison and level the m and u probabilities
    and the weight a pair at that level gets (int_match_parameters__person, __company; macros/fellegi_sunter.sql).
-#}

with

person as (

    select * from {{ ref('int_match_parameters__person') }}

),

company as (

    select * from {{ ref('int_match_parameters__company') }}

),

flows as (

    select flow_id, flow_name from {{ ref('flows') }}

)

select
    ----------  ids
    parameters.flow_id,
    flows.flow_name,
    parameters.match_kind,
    parameters.comparison,
    parameters.level,
    parameters.level_label,

    ----------  parameters
    parameters.m_probability,
    parameters.u_probability,
    parameters.match_weight,
    parameters.has_tf,

    ----------  the flow's prior
    parameters.prior_probability,
    parameters.prior_match_weight,
    parameters.expected_matches,
    parameters.blocked_pairs,
    parameters.source_records,
    parameters.target_records,
    parameters.em_iterations

from (
    select * from person
    union all
    select * from company
) as parameters
inner join flows on flows.flow_id = parameters.flow_id
