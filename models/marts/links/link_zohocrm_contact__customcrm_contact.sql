{#- The permanent links of flow 2 (zohocrm Contact → customcrm Contact): macros/link_table.sql. -#}
{{ link_table(flow_id=2, source='zohocrm__contacts', target='customcrm__contacts', kind='person') }}
