{#- The plan for zohocrm deals: what the push writes there next (models/marts/sync/sync_plan.sql). -#}
{{ config(materialized='view') }}

select * from {{ ref('sync_plan') }}
where system = 'zohocrm' and entity = 'deals'
