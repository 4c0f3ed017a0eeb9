{#-
    Schemas are named exactly as configured, on every target: marts land in `post_call_analytics` (the same
    name on Athena and DuckDB, so `select … from post_call_analytics.calls` runs on both), staging and
    intermediate models in `post_call_analytics_staging` / `post_call_analytics_intermediate`.
    Nodes without a configured schema (tests that store failures, unit-test fixtures) use the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
