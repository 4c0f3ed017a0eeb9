{#-
    One row per change to an item of the `calls` table (insert, modify, remove or backfill snapshot), with the
    item's attributes as typed columns. This is the one place that knows the shape of a `calls` item: a team
    whose table differs edits the `path` of a field below (or the expression in `final`), keeps the column
    names, and every model downstream keeps working. Values of the wrong type become null (safe casts).
-#}
{%- set cc = '$.conversation_characteristics' -%}
{%- set call_fields = [
    {'name': 'job_name', 'path': '$.job_name', 'kind': 'varchar'},
    {'name': 'direction', 'path': '$.direction', 'kind': 'varchar'},
    {'name': 'channel', 'path': '$.channel', 'kind': 'varchar'},
    {'name': 'language_code', 'path': '$.language_code', 'kind': 'varchar'},
    {'name': 'agent_id', 'path': '$.agent_id', 'kind': 'varchar'},
    {'name': 'agent_name', 'path': '$.agent_name', 'kind': 'varchar'},
    {'name': 'team', 'path': '$.team', 'kind': 'varchar'},
    {'name': 'queue', 'path': '$.queue', 'kind': 'varchar'},
    {'name': 'customer_id', 'path': '$.customer_id', 'kind': 'varchar'},
    {'name': 'call_status', 'path': '$.status', 'kind': 'varchar'},
    {'name': 'started_at', 'path': '$.started_at', 'kind': 'timestamp'},
    {'name': 'ended_at', 'path': '$.ended_at', 'kind': 'timestamp'},
    {'name': 'duration_ms', 'path': '$.duration_ms', 'kind': 'bigint'},
    {'name': 'queue_wait_ms', 'path': '$.queue_wait_ms', 'kind': 'bigint'},
    {'name': 'hold_time_ms', 'path': '$.hold_time_ms', 'kind': 'bigint'},
    {'name': 'after_call_work_ms', 'path': '$.after_call_work_ms', 'kind': 'bigint'},
    {'name': 'transcript_uri', 'path': '$.transcript_uri', 'kind': 'varchar'},
    {'name': 'conversation_duration_ms', 'path': cc ~ '.TotalConversationDurationMillis', 'kind': 'bigint'},
    {'name': 'non_talk_time_ms', 'path': cc ~ '.NonTalkTime.TotalTimeMillis', 'kind': 'bigint'},
    {'name': 'talk_time_ms', 'path': cc ~ '.TalkTime.TotalTimeMillis', 'kind': 'bigint'},
    {'name': 'talk_time_agent_ms', 'path': cc ~ '.TalkTime.DetailsByParticipant.AGENT.TotalTimeMillis', 'kind': 'bigint'},
    {'name': 'talk_time_customer_ms', 'path': cc ~ '.TalkTime.DetailsByParticipant.CUSTOMER.TotalTimeMillis', 'kind': 'bigint'},
    {'name': 'interruptions_count', 'path': cc ~ '.Interruptions.TotalCount', 'kind': 'bigint'},
    {'name': 'interruption_time_ms', 'path': cc ~ '.Interruptions.TotalTimeMillis', 'kind': 'bigint'},
    {'name': 'agent_interruptions_json', 'path': cc ~ '.Interruptions.InterruptionsByInterrupter.AGENT', 'kind': 'json'},
    {'name': 'customer_interruptions_json', 'path': cc ~ '.Interruptions.InterruptionsByInterrupter.CUSTOMER', 'kind': 'json'},
    {'name': 'talk_speed_agent_wpm', 'path': cc ~ '.TalkSpeed.DetailsByParticipant.AGENT.AverageWordsPerMinute', 'kind': 'double'},
    {'name': 'talk_speed_customer_wpm', 'path': cc ~ '.TalkSpeed.DetailsByParticipant.CUSTOMER.AverageWordsPerMinute', 'kind': 'double'},
    {'name': 'sentiment_agent', 'path': cc ~ '.Sentiment.OverallSentiment.AGENT', 'kind': 'double'},
    {'name': 'sentiment_customer', 'path': cc ~ '.Sentiment.OverallSentiment.CUSTOMER', 'kind': 'double'},
    {'name': 'sentiment_agent_q1', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.AGENT[0].Score', 'kind': 'double'},
    {'name': 'sentiment_agent_q2', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.AGENT[1].Score', 'kind': 'double'},
    {'name': 'sentiment_agent_q3', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.AGENT[2].Score', 'kind': 'double'},
    {'name': 'sentiment_agent_q4', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.AGENT[3].Score', 'kind': 'double'},
    {'name': 'sentiment_customer_q1', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.CUSTOMER[0].Score', 'kind': 'double'},
    {'name': 'sentiment_customer_q2', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.CUSTOMER[1].Score', 'kind': 'double'},
    {'name': 'sentiment_customer_q3', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.CUSTOMER[2].Score', 'kind': 'double'},
    {'name': 'sentiment_customer_q4', 'path': cc ~ '.Sentiment.SentimentByPeriod.QUARTER.CUSTOMER[3].Score', 'kind': 'double'},
    {'name': 'category_list', 'path': '$.categories', 'kind': 'varchar_array'},
    {'name': 'insight_list', 'path': '$.insights', 'kind': 'struct_array', 'fields': [
        {'name': 'insight_type', 'kind': 'varchar'},
        {'name': 'text', 'kind': 'varchar'},
        {'name': 'participant_role', 'kind': 'varchar'},
        {'name': 'turn_begin_offset_ms', 'kind': 'bigint'},
        {'name': 'turn_end_offset_ms', 'kind': 'bigint'},
    ]},
    {'name': 'summary_topic', 'path': '$.summary.topic', 'kind': 'varchar'},
    {'name': 'summary_product', 'path': '$.summary.product', 'kind': 'varchar'},
    {'name': 'summary_resolved', 'path': '$.summary.resolved', 'kind': 'boolean'},
    {'name': 'summary_callback_required', 'path': '$.summary.callback_required', 'kind': 'boolean'},
    {'name': 'summary_text', 'path': '$.summary.text', 'kind': 'varchar'},
    {'name': 'customer_satisfaction', 'path': '$.customer_satisfaction', 'kind': 'bigint'},
    {'name': 'schema_version', 'path': '$.schema_version', 'kind': 'bigint'},
    {'name': 'updated_at', 'path': '$.updated_at', 'kind': 'timestamp'},
] -%}

with

source as (

    select * from {{ source('post_call_analytics_raw', 'calls') }}

),

changes as (

    select
        event_id,
        event_name,
        event_source,
        cast(event_at as {{ type_timestamp() }}) as event_at,
        sequence_number,
        cast(ingested_at as {{ type_timestamp() }}) as ingested_at,
        -- the partition (day of event_at): a filter on it prunes the change log's folders
        dt,
        {{ json_scalar('keys', '$.call_id') }} as call_id,
        event_name = 'REMOVE' as is_removed,
        -- a removal carries the item as it was (old image) when the stream has it
        coalesce(new_image, old_image) as item_image
    from source

),

parsed as (

    select
        changes.*,
        {{ parse_json_fields('item_image', call_fields) }} as item_values
    from changes

),

typed as (

    select
        call_id,
        event_id,
        event_name,
        event_source,
        event_at,
        sequence_number,
        ingested_at,
        dt,
        is_removed,
        {{ json_field_columns('item_values', call_fields) | indent(8) }}
    from parsed

),

final as (

    select
        call_id,
        event_id,
        event_name,
        event_source,
        event_at,
        sequence_number,
        ingested_at,
        dt,
        is_removed,
        job_name,
        direction,
        channel,
        language_code,
        agent_id,
        agent_name,
        team,
        queue,
        customer_id,
        call_status,
        started_at,
        ended_at,
        duration_ms,
        queue_wait_ms,
        hold_time_ms,
        after_call_work_ms,
        transcript_uri,
        conversation_duration_ms,
        non_talk_time_ms,
        talk_time_ms,
        talk_time_agent_ms,
        talk_time_customer_ms,
        interruptions_count,
        interruption_time_ms,
        -- Transcribe leaves out a role that never interrupted
        case
            when interruptions_count is not null
                then cast(coalesce({{ json_array_size('agent_interruptions_json') }}, 0) as bigint)
        end as interruptions_agent_count,
        case
            when interruptions_count is not null
                then cast(coalesce({{ json_array_size('customer_interruptions_json') }}, 0) as bigint)
        end as interruptions_customer_count,
        talk_speed_agent_wpm,
        talk_speed_customer_wpm,
        sentiment_agent,
        sentiment_customer,
        sentiment_agent_q1,
        sentiment_agent_q2,
        sentiment_agent_q3,
        sentiment_agent_q4,
        sentiment_customer_q1,
        sentiment_customer_q2,
        sentiment_customer_q3,
        sentiment_customer_q4,
        category_list,
        insight_list,
        -- counted once per change, so the marts never unnest the list to count it
        {{ array_count_where('insight_list', 'insight_type', "'ISSUE'") }} as issue_count,
        {{ array_count_where('insight_list', 'insight_type', "'OUTCOME'") }} as outcome_count,
        {{ array_count_where('insight_list', 'insight_type', "'ACTION_ITEM'") }} as action_item_count,
        summary_topic,
        summary_product,
        summary_resolved,
        summary_callback_required,
        summary_text,
        customer_satisfaction,
        schema_version,
        updated_at
    from typed

)

select * from final
