{#- The permanent links of flow 8 (customcrm Product → crmoffice Companies): macros/link_table.sql. -#}
{{ link_table(flow_id=8, source='customcrm__products', target='crmoffice__companies', kind='product') }}
