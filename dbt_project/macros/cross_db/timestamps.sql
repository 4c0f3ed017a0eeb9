{#- The portable timestamp type: microsecond precision (what Iceberg tables on Athena require). -#}
{% macro type_timestamp() -%}
    {{ return(adapter.dispatch('type_timestamp', 'post_call_analytics')()) }}
{%- endmacro %}

{% macro default__type_timestamp() -%}
    timestamp
{%- endmacro %}

{% macro athena__type_timestamp() -%}
    timestamp(6)
{%- endmacro %}


{#- An ISO-8601 UTC text (`2026-08-03T14:05:12Z`) as a timestamp in UTC; null when it does not parse. -#}
{% macro iso_timestamp(expression) -%}
    {{ return(adapter.dispatch('iso_timestamp', 'post_call_analytics')(expression)) }}
{%- endmacro %}

{% macro default__iso_timestamp(expression) -%}
    try_cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro athena__iso_timestamp(expression) -%}
    try(cast(from_iso8601_timestamp({{ expression }}) as timestamp(6)))
{%- endmacro %}


{#- `expression` moved back by `minutes` minutes. -#}
{% macro minutes_before(expression, minutes) -%}
    {{ return(adapter.dispatch('minutes_before', 'post_call_analytics')(expression, minutes)) }}
{%- endmacro %}

{% macro default__minutes_before(expression, minutes) -%}
    ({{ expression }} - interval '{{ minutes }}' minute)
{%- endmacro %}

{% macro athena__minutes_before(expression, minutes) -%}
    date_add('minute', -{{ minutes }}, {{ expression }})
{%- endmacro %}


{#- A date `days` days after the date `expression` (`days` may be a column). -#}
{% macro days_after(expression, days) -%}
    {{ return(adapter.dispatch('days_after', 'post_call_analytics')(expression, days)) }}
{%- endmacro %}

{% macro default__days_after(expression, days) -%}
    cast({{ expression }} + cast({{ days }} as integer) as date)
{%- endmacro %}

{% macro athena__days_after(expression, days) -%}
    date_add('day', {{ days }}, {{ expression }})
{%- endmacro %}
