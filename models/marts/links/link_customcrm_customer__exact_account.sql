{#- The permanent links of flow 13 (customcrm Customer → exact Accounts): macros/link_table.sql. -#}
{{ link_table(flow_id=13, source='customcrm__customers', target='exact__accounts', kind='company') }}
