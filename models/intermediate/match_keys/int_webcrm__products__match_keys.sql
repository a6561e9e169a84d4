{#- Match keys of webcrm products (macros/match_keys.sql).  -#}
{{ match_keys(
    relation=ref('stg_webcrm__products'),
    id='product_id',
    deleted=ref('stg_webcrm__products_deleted'),
    keys={
        'product_name': 'name',
        'code': 'sku',
        'price': 'price',
    },
) }}
