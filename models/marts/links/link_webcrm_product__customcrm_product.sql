{#- The permanent links of flow 6 (webcrm Products → customcrm Product): macros/link_table.sql. -#}
{{ link_table(flow_id=6, source='webcrm__products', target='customcrm__products', kind='product') }}
