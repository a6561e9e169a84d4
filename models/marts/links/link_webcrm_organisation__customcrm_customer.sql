{#- The permanent links of flow 4 (webcrm Organisations → customcrm Customer): macros/link_table.sql. -#}
{{ link_table(flow_id=4, source='webcrm__organisations', target='customcrm__customers', kind='company') }}
