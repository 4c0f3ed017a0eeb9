-- One row per issue, outcome or action item detected in a call, with its text and where it was said.

with

insights as (

    select * from {{ ref('int_call_insights_unnested') }}

),

final as (

    select
        call_id,
        insight_position,
        insight_type,
        insight_text,
        participant_role,
        cast(turn_begin_offset_ms as double) / 1000 as turn_begin_offset_seconds,
        cast(turn_end_offset_ms as double) / 1000 as turn_end_offset_seconds,
        cast(started_at as date) as call_date,
        started_at,
        agent_id,
        team,
        queue,
        summary_resolved
    from insights

)

select * from final
