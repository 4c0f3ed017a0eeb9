{{ config(**current_state_config(unique_key='call_id', partition_column='started_at')) }}

{#-
    The latest change of each call: changes ordered by event time, then stream sequence number (snapshots
    carry sequence numbers that sort before any later stream event), then event id. A removal wins like any
    other change and is kept as a tombstone (`is_removed`), so a late, older change can never bring a removed
    call back; `int_calls_current` drops the tombstones. Delivering a change twice, or out of order, does not
    change the result.
-#}
{%- set columns = [
    'call_id', 'event_id', 'event_name', 'event_source', 'event_at', 'sequence_number', 'ingested_at',
    'is_removed', 'job_name', 'direction', 'channel', 'language_code', 'agent_id', 'agent_name', 'team',
    'queue', 'customer_id', 'call_status', 'started_at', 'ended_at', 'duration_ms', 'queue_wait_ms',
    'hold_time_ms', 'after_call_work_ms', 'transcript_uri', 'conversation_duration_ms', 'non_talk_time_ms',
    'talk_time_ms', 'talk_time_agent_ms', 'talk_time_customer_ms', 'interruptions_count',
    'interruption_time_ms', 'interruptions_agent_count', 'interruptions_customer_count',
    'talk_speed_agent_wpm', 'talk_speed_customer_wpm', 'sentiment_agent', 'sentiment_customer',
    'sentiment_agent_q1', 'sentiment_agent_q2', 'sentiment_agent_q3', 'sentiment_agent_q4',
    'sentiment_customer_q1', 'sentiment_customer_q2', 'sentiment_customer_q3', 'sentiment_customer_q4',
    'category_list', 'insight_list', 'summary_topic', 'summary_product', 'summary_resolved',
    'summary_callback_required', 'summary_text', 'customer_satisfaction', 'schema_version', 'updated_at',
] -%}

{{ latest_change_per_key('stg_dynamodb__calls', 'call_id', columns) }}
