{#-
    One row per insight (issue, outcome or action item) of a current call. Maps the fields of the elements
    of the `insights` list: adapt the paths here if your items carry insights differently.
-#}

with

calls as (

    select
        call_id,
        insights_json
    from {{ ref('int_calls_current') }}

),

final as (

    select
        calls.call_id,
        cast(insight.insight_position as bigint) as insight_position,
        {{ json_scalar('insight.insight_value', '$.insight_type') }} as insight_type,
        {{ json_scalar('insight.insight_value', '$.text') }} as insight_text,
        {{ json_scalar('insight.insight_value', '$.participant_role') }} as participant_role,
        {{ json_scalar('insight.insight_value', '$.turn_begin_offset_ms', 'bigint') }} as turn_begin_offset_ms,
        {{ json_scalar('insight.insight_value', '$.turn_end_offset_ms', 'bigint') }} as turn_end_offset_ms
    from calls
    {{ cross_join_json_array('calls.insights_json', 'insight', 'insight_value', 'insight_position') }}

)

select * from final
