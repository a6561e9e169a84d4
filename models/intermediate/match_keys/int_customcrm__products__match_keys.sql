{#- Match keys of customcrm products (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_customcrm__products'),
    id='product_id',
    deleted=ref('stg_customcrm__products_deleted'),
    keys={
        'product_name': 'name',
        'code': 'sku',
        'price': 'price',
    },
) }}
