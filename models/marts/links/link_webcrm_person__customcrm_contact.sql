{#- The permanent links of flow 5 (webcrm Persons → customcrm Contact): macros/link_table.sql. -#}
{{ link_table(flow_id=5, source='webcrm__persons', target='customcrm__contacts', kind='person') }}
