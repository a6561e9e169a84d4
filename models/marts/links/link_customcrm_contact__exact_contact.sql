{#- The permanent links of flow 12 (customcrm Contact → exact Contacts): macros/link_table.sql. -#}
{{ link_table(flow_id=12, source='customcrm__contacts', target='exact__contacts', kind='person') }}
