{#- The plan for exact contacts: what the push writes there next (models/marts/sync/sync_plan.sql). -#}
{{ config(materialized='view') }}

select * from {{ ref('sync_plan') }}
where system = 'exact' and entity = 'contacts'
