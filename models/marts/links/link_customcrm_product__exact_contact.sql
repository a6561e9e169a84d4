{#- The permanent links of flow 14 (customcrm Product → exact Contacts): macros/link_table.sql. -#}
{{ link_table(flow_id=14, source='customcrm__products', target='exact__contacts', kind='product') }}
