{{ config(**stored_mart_rows_config()) }}

-- The stored rows of `scorecards` for the items before the split (`stored_mart_rows`), rebuilt by each build.
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}

{%- set before = current_state_split('scorecards') %}

{{ stored_mart_rows_body(scorecards_rows('stored', before=before), before) }}
