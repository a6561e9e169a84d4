{#-
    Identity clusters that hold more than one record of one system and entity: two records of one CRM that the
    links say are the same thing (a duplicate in that CRM, or a wrong link somewhere in the chain). Reported
    here, never merged; fix by a forbid row in seeds/link_overrides.csv or by merging the duplicate in the CRM.
-#}

select

    ----------  ids
    cluster_id,

    ----------  the clash
    system,
    entity,
    count(*) as record_count,
    {{ dbt.listagg('record_id', "', '", 'order by record_id') }} as record_ids,

    ----------  the cluster
    max(cluster_size) as cluster_size

from {{ ref('identity_clusters') }}
group by cluster_id, system, entity
having count(*) > 1
