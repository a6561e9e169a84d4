{#- The permanent links of flow 9 (poweroffice Customers → zohocrm Account): macros/link_table.sql. -#}
{{ link_table(flow_id=9, source='poweroffice__customers', target='zohocrm__accounts', kind='company') }}
