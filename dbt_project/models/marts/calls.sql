-- One row per current call: Transcribe Call Analytics metrics flattened, milliseconds converted to seconds.

with

calls as (

    select * from {{ ref('int_calls_current') }}

),

final as (

    select
        calls.call_id,
        calls.job_name,
        calls.direction,
        calls.channel,
        calls.language_code,
        calls.agent_id,
        calls.agent_name,
        calls.team,
        calls.queue,
        calls.customer_id,
        calls.call_status,
        calls.started_at,
        calls.ended_at,
        cast(calls.started_at as date) as call_date,
        cast(calls.duration_ms as double) / 1000 as duration_seconds,
        cast(calls.queue_wait_ms as double) / 1000 as queue_wait_seconds,
        cast(calls.hold_time_ms as double) / 1000 as hold_time_seconds,
        cast(calls.after_call_work_ms as double) / 1000 as after_call_work_seconds,
        cast(calls.duration_ms + coalesce(calls.after_call_work_ms, 0) as double) / 1000 as handle_time_seconds,
        cast(calls.conversation_duration_ms as double) / 1000 as conversation_duration_seconds,
        cast(calls.talk_time_ms as double) / 1000 as talk_time_seconds,
        cast(calls.talk_time_agent_ms as double) / 1000 as talk_time_agent_seconds,
        cast(calls.talk_time_customer_ms as double) / 1000 as talk_time_customer_seconds,
        100 * cast(calls.talk_time_agent_ms as double)
        / nullif(calls.talk_time_agent_ms + calls.talk_time_customer_ms, 0) as talk_time_agent_percent,
        cast(calls.non_talk_time_ms as double) / 1000 as non_talk_time_seconds,
        100 * cast(calls.non_talk_time_ms as double)
        / nullif(calls.conversation_duration_ms, 0) as non_talk_time_percent,
        calls.interruptions_count,
        calls.interruptions_agent_count,
        calls.interruptions_customer_count,
        cast(calls.interruption_time_ms as double) / 1000 as interruption_time_seconds,
        calls.talk_speed_agent_wpm,
        calls.talk_speed_customer_wpm,
        calls.sentiment_agent,
        calls.sentiment_customer,
        calls.sentiment_agent_q1,
        calls.sentiment_agent_q2,
        calls.sentiment_agent_q3,
        calls.sentiment_agent_q4,
        calls.sentiment_customer_q1,
        calls.sentiment_customer_q2,
        calls.sentiment_customer_q3,
        calls.sentiment_customer_q4,
        calls.sentiment_customer_q4 - calls.sentiment_customer_q1 as sentiment_customer_change,
        {{ array_join_strings('calls.category_list', ', ') }} as categories,
        cast(coalesce({{ array_size('calls.category_list') }}, 0) as bigint) as category_count,
        -- counted when each change was staged: no question unnests the insight list to count it
        calls.issue_count,
        calls.outcome_count,
        calls.action_item_count,
        calls.summary_topic,
        calls.summary_product,
        calls.summary_resolved,
        calls.summary_callback_required,
        calls.summary_text,
        calls.customer_satisfaction,
        calls.transcript_uri,
        calls.updated_at
    from calls

)

select * from final
