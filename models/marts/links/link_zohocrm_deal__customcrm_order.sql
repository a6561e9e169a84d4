{#- The permanent links of flow 3 (zohocrm Deal → customcrm Order): macros/link_table.sql. -#}
{{ link_table(flow_id=3, source='zohocrm__deals', target='customcrm__orders', kind='none') }}
