{#- Every row satisfies the SQL expression (an in-repo stand-in for dbt_utils.expression_is_true); on a column
    the expression is written in full all the same. -#}
{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
