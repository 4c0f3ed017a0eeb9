-- One row per issue, outcome or action item detected in a call, with its text and where it was said.

with

insights as (

    select * from {{ ref('int_call_insights_unnested') }}

),

calls as (

    select * from {{ ref('calls') }}

),

final as (

    select
        insights.call_id,
        insights.insight_position,
        insights.insight_type,
        insights.insight_text,
        insights.participant_role,
        cast(insights.turn_begin_offset_ms as double) / 1000 as turn_begin_offset_seconds,
        cast(insights.turn_end_offset_ms as double) / 1000 as turn_end_offset_seconds,
        calls.call_date,
        calls.started_at,
        calls.agent_id,
        calls.team,
        calls.queue,
        calls.summary_resolved
    from insights
    inner join calls on insights.call_id = calls.call_id

)

select * from final
