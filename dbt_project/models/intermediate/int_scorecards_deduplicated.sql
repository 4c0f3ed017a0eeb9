{{ config(**current_state_config(unique_key='evaluation_id', partition_column='started_at')) }}

{#-
    The latest change of each evaluation, ordered and deduplicated exactly like `int_calls_deduplicated`;
    removals are kept as tombstones (`is_removed`) and dropped by `int_scorecards_current`.
-#}
{%- set columns = (current_state_columns('scorecards') | trim).split(',') -%}

{{ latest_change_per_key('stg_dynamodb__scorecards', 'evaluation_id', columns) }}
