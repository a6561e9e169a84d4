{#- An identity cluster holds at most one record per system and entity (identity_cluster_violations lists any
    that do not). -#}
{{ config(tags=['guard']) }}  {#- checked before every round's push (sync/rounds.py) #}
select * from {{ ref('identity_cluster_violations') }}
