-- One row per issue, outcome or action item detected in a call, with its text and where it was said.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_call_insights_stored') }}
{%- endif %}
{%- set split = stored_rows_split('calls', 'int_call_insights_stored') %}
{%- if split is none %}

{{ call_insights_rows('all') }}
{%- else %}

{{ with_stored_mart_rows(call_insights_rows('recent'), 'int_call_insights_stored', split) }}
{%- endif %}
