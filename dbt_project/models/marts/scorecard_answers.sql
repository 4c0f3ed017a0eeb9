-- One row per question answered on an evaluation, with its section and the evaluation's context.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_scorecard_answers_stored') }}
{%- endif %}
{%- set split = stored_rows_split('scorecards', 'int_scorecard_answers_stored') %}
{%- if split is none %}

{{ scorecard_answers_rows('all') }}
{%- else %}

{{ with_stored_mart_rows(scorecard_answers_rows('recent'), 'int_scorecard_answers_stored', split) }}
{%- endif %}
