{{ config(**stored_mart_rows_config()) }}

-- The stored rows of `call_insights` for the items before the split (`stored_mart_rows`), rebuilt by each build.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}

{%- set before = current_state_split('calls') %}

{{ stored_mart_rows_body(call_insights_rows('stored', before=before), before) }}
