{#- The permanent links of flow 1 (zohocrm Account → customcrm Customer): macros/link_table.sql. -#}
{{ link_table(flow_id=1, source='zohocrm__accounts', target='customcrm__customers', kind='company') }}
