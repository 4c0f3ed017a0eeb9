{{ config(**current_state_config(unique_key='evaluation_id', partition_column='started_at')) }}

{#-
    The latest change of each evaluation, ordered and deduplicated exactly like `int_calls_deduplicated`;
    removals are kept as tombstones (`is_removed`) and dropped by `int_scorecards_current`.
-#}
{%- set columns = [
    'evaluation_id', 'event_id', 'event_name', 'event_source', 'event_at', 'sequence_number', 'ingested_at',
    'is_removed', 'call_id', 'agent_id', 'evaluator', 'evaluation_source', 'form_id', 'form_title',
    'form_version', 'evaluation_status', 'started_at', 'submitted_at', 'score_percent', 'is_automatic_fail',
    'is_not_applicable', 'section_list', 'question_list', 'updated_at',
] -%}

{{ latest_change_per_key('stg_dynamodb__scorecards', 'evaluation_id', columns) }}
