-- A reference field names the flow whose links translate it; other fields name none.
select
    flow_id,
    source_field,
    target_type,
    reference_flow_id
from {{ ref('field_mappings') }}
where (target_type = 'reference') <> (reference_flow_id is not null)
