{#- The permanent links of flow 7 (customcrm Contact → crmoffice Contacts): macros/link_table.sql. -#}
{{ link_table(flow_id=7, source='customcrm__contacts', target='crmoffice__contacts', kind='person') }}
