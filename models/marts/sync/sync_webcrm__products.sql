{#- The plan for webcrm products: what the push writes there next (models/marts/sync/sync_plan.sql). -#}
{{ config(materialized='view') }}

select * from {{ ref('sync_plan') }}
where system = 'webcrm' and entity = 'products'
