{#- The permanent links of flow 11 (poweroffice Customers person → zohocrm Contact): macros/link_table.sql. -#}
{{ link_table(flow_id=11, source='poweroffice__customers', target='zohocrm__contacts', kind='person') }}
