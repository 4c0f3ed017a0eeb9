-- One row per (call, matched category), with the call attributes analysts group categories by.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_call_categories_stored') }}
{%- endif %}
{%- set split = stored_rows_split('calls', 'int_call_categories_stored') %}
{%- if split is none %}

{{ call_categories_rows('all') }}
{%- else %}

{{ with_stored_mart_rows(call_categories_rows('recent'), 'int_call_categories_stored', split) }}
{%- endif %}
