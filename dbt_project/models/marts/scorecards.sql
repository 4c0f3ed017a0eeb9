-- One row per current QA evaluation, with the evaluated call's team and queue.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_scorecards_stored') }}
{%- endif %}
{%- set split = stored_rows_split('scorecards', 'int_scorecards_stored') %}
{%- if split is none %}

{{ scorecards_rows('all') }}
{%- else %}

{{ with_stored_mart_rows(scorecards_rows('recent'), 'int_scorecards_stored', split) }}
{%- endif %}
