{#-
    The columns of a source table's current state (`int_<table>_deduplicated`, `int_<table>_current`), in
    order: the change's identity and timing, then the item's typed attributes from staging. Rendered as one
    comma-separated string (`(current_state_columns('calls') | trim).split(',')` makes the list), so the SQL
    linter's plain Jinja renders it as dbt does.
-#}
{% macro current_state_columns(table) -%}
    {%- set columns = {
        'calls': [
            'call_id', 'event_id', 'event_name', 'event_source', 'event_at', 'sequence_number', 'ingested_at',
            'is_removed', 'job_name', 'direction', 'channel', 'language_code', 'agent_id', 'agent_name', 'team',
            'queue', 'customer_id', 'call_status', 'started_at', 'ended_at', 'duration_ms', 'queue_wait_ms',
            'hold_time_ms', 'after_call_work_ms', 'transcript_uri', 'conversation_duration_ms', 'non_talk_time_ms',
            'talk_time_ms', 'talk_time_agent_ms', 'talk_time_customer_ms', 'interruptions_count',
            'interruption_time_ms', 'interruptions_agent_count', 'interruptions_customer_count',
            'talk_speed_agent_wpm', 'talk_speed_customer_wpm', 'sentiment_agent', 'sentiment_customer',
            'sentiment_agent_q1', 'sentiment_agent_q2', 'sentiment_agent_q3', 'sentiment_agent_q4',
            'sentiment_customer_q1', 'sentiment_customer_q2', 'sentiment_customer_q3', 'sentiment_customer_q4',
            'category_list', 'insight_list', 'issue_count', 'outcome_count', 'action_item_count', 'summary_topic',
            'summary_product', 'summary_resolved',
            'summary_callback_required', 'summary_text', 'customer_satisfaction', 'schema_version', 'updated_at',
        ],
        'scorecards': [
            'evaluation_id', 'event_id', 'event_name', 'event_source', 'event_at', 'sequence_number', 'ingested_at',
            'is_removed', 'call_id', 'agent_id', 'evaluator', 'evaluation_source', 'form_id', 'form_title',
            'form_version', 'evaluation_status', 'started_at', 'submitted_at', 'score_percent', 'is_automatic_fail',
            'is_not_applicable', 'section_list', 'question_list', 'question_count', 'automatic_fail_question_count',
            'updated_at',
        ],
    } -%}
    {{ columns[table] | join(',') }}
{%- endmacro %}
