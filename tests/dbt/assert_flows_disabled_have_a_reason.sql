-- A switched-off flow says why; a running one has no stale reason.
select
    flow_id,
    enabled,
    disabled_reason
from {{ ref('flows') }}
where
    (not enabled and coalesce(trim(disabled_reason), '') = '')
    or (enabled and coalesce(trim(disabled_reason), '') <> '')
