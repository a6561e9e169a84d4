{#- The permanent links of flow 10 (poweroffice Departments → zohocrm Account): macros/link_table.sql. -#}
{{ link_table(flow_id=10, source='poweroffice__departments', target='zohocrm__accounts', kind='department') }}
