{#-
    The flows that have a link model (models/marts/links/link_<flow_name>.sql), for the models that read all of
    them (link_review, identity_clusters). tests/dbt/test_links.py checks it against seeds/flows.csv.
-#}
{% macro link_flow_names() -%}
{{ return([
    'zohocrm_account__customcrm_customer',
    'zohocrm_contact__customcrm_contact',
    'zohocrm_deal__customcrm_order',
    'webcrm_organisation__customcrm_customer',
    'webcrm_person__customcrm_contact',
    'webcrm_product__customcrm_product',
    'customcrm_contact__crmoffice_contact',
    'customcrm_product__crmoffice_company',
    'poweroffice_customer__zohocrm_account',
    'poweroffice_department__zohocrm_account',
    'poweroffice_person__zohocrm_contact',
    'customcrm_contact__exact_contact',
    'customcrm_customer__exact_account',
    'customcrm_product__exact_contact',
]) }}
{%- endmacro %}


{#- The system__entity sides with a match-key model (models/intermediate/match_keys/int_<side>__match_keys). -#}
{% macro match_key_sides() -%}
{{ return([
    'crmoffice__companies', 'crmoffice__contacts',
    'customcrm__contacts', 'customcrm__customers', 'customcrm__products',
    'exact__accounts', 'exact__contacts',
    'poweroffice__customers', 'poweroffice__departments',
    'webcrm__organisations', 'webcrm__persons', 'webcrm__products',
    'zohocrm__accounts', 'zohocrm__contacts',
]) }}
{%- endmacro %}
