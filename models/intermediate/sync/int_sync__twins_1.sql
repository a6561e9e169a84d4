{#- The records of level 1 of the chain the plan links to a twin instead of creating them: macros/sync_twins.sql. -#}
{{ sync_twins(1) }}
