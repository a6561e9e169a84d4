{#-
    Generated from seeds/flows.csv by `python -m dataflows`; edit the seed, not this file.

    declared_flows(): what dbt must know of every flow when it parses the project, before any seed is loaded: the
    models a flow's models ref (its sides, system__entity; the matching models of its kind when its match_rule
    names `probabilistic`). Everything else of a flow is read from the seed at run time (flow_config), and
    flow_config checks this list against the seed then.
-#}
{% macro declared_flows() -%}
{{ return([
    {'flow_id': 1, 'flow_name': 'zohocrm_account__customcrm_customer', 'kind': 'company',
     'source': 'zohocrm__accounts', 'target': 'customcrm__customers', 'probabilistic': true},
    {'flow_id': 2, 'flow_name': 'zohocrm_contact__customcrm_contact', 'kind': 'person',
     'source': 'zohocrm__contacts', 'target': 'customcrm__contacts', 'probabilistic': true},
    {'flow_id': 3, 'flow_name': 'zohocrm_deal__customcrm_order', 'kind': 'deal',
     'source': 'zohocrm__deals', 'target': 'customcrm__orders', 'probabilistic': false},
    {'flow_id': 4, 'flow_name': 'webcrm_organisation__customcrm_customer', 'kind': 'company',
     'source': 'webcrm__organisations', 'target': 'customcrm__customers', 'probabilistic': true},
    {'flow_id': 5, 'flow_name': 'webcrm_person__customcrm_contact', 'kind': 'person',
     'source': 'webcrm__persons', 'target': 'customcrm__contacts', 'probabilistic': true},
    {'flow_id': 6, 'flow_name': 'webcrm_product__customcrm_product', 'kind': 'product',
     'source': 'webcrm__products', 'target': 'customcrm__products', 'probabilistic': false},
    {'flow_id': 7, 'flow_name': 'customcrm_contact__crmoffice_contact', 'kind': 'person',
     'source': 'customcrm__contacts', 'target': 'crmoffice__contacts', 'probabilistic': true},
    {'flow_id': 8, 'flow_name': 'customcrm_product__crmoffice_company', 'kind': 'product',
     'source': 'customcrm__products', 'target': 'crmoffice__companies', 'probabilistic': false},
    {'flow_id': 9, 'flow_name': 'poweroffice_customer__zohocrm_account', 'kind': 'company',
     'source': 'poweroffice__customers', 'target': 'zohocrm__accounts', 'probabilistic': true},
    {'flow_id': 10, 'flow_name': 'poweroffice_department__zohocrm_account', 'kind': 'department',
     'source': 'poweroffice__departments', 'target': 'zohocrm__accounts', 'probabilistic': false},
    {'flow_id': 11, 'flow_name': 'poweroffice_person__zohocrm_contact', 'kind': 'person',
     'source': 'poweroffice__customers', 'target': 'zohocrm__contacts', 'probabilistic': true},
    {'flow_id': 12, 'flow_name': 'customcrm_contact__exact_contact', 'kind': 'person',
     'source': 'customcrm__contacts', 'target': 'exact__contacts', 'probabilistic': true},
    {'flow_id': 13, 'flow_name': 'customcrm_customer__exact_account', 'kind': 'company',
     'source': 'customcrm__customers', 'target': 'exact__accounts', 'probabilistic': true},
    {'flow_id': 14, 'flow_name': 'customcrm_product__exact_contact', 'kind': 'product',
     'source': 'customcrm__products', 'target': 'exact__contacts', 'probabilistic': false},
]) }}
{%- endmacro %}
