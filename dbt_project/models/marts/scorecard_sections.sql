-- One row per section of a current evaluation: its title, weight and score, how many of its questions were
-- answered and scored, and the evaluation's context. Section averages over questions read this mart instead of
-- counting distinct evaluations over `scorecard_answers`.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_scorecard_sections_stored') }}
{%- endif %}
{%- set split = stored_rows_split('scorecards', 'int_scorecard_sections_stored') %}
{%- if split is none %}

{{ scorecard_sections_rows('all') }}
{%- else %}

{{ with_stored_mart_rows(scorecard_sections_rows('recent'), 'int_scorecard_sections_stored', split) }}
{%- endif %}
