-- A source field feeding several target fields is read back from exactly one of them (the first listed).
select
    flow_id,
    source_field,
    count(*) as targets,
    sum(case when read_back then 1 else 0 end) as read_back_targets
from {{ ref('field_mappings') }}
group by flow_id, source_field
having sum(case when read_back then 1 else 0 end) <> 1
