{#- The plan for poweroffice departments: what the push writes there next (models/marts/sync/sync_plan.sql). -#}
{{ config(materialized='view') }}

select * from {{ ref('sync_plan') }}
where system = 'poweroffice' and entity = 'departments'
