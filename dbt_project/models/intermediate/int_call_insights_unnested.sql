-- One row per insight (issue, outcome or action item) of a current call, with the call's attributes analysts
-- group insights by, taken from the same current row (no join back to the calls).
{%- set call_columns = ['started_at', 'agent_id', 'team', 'queue', 'summary_resolved'] %}
{%- set insight_fields = [
    'insight_type', 'text', 'participant_role', 'turn_begin_offset_ms', 'turn_end_offset_ms',
] %}

with

parents as (

    select
        call_id,
        {{ call_columns | join(', ') }},
        insight_list
    from {{ ref('int_calls_current') }}

),

unnested as (

    {{ unnest_list(
        'parents', ['call_id'] + call_columns, 'insight_list', 'insight', 'insight_position', insight_fields
    ) }}

),

final as (

    select
        unnested.call_id,
        cast(unnested.insight_position as bigint) as insight_position,
        {{ unnested_field('unnested', 'insight', 'insight_type') }} as insight_type,
        {{ unnested_field('unnested', 'insight', 'text') }} as insight_text,
        {{ unnested_field('unnested', 'insight', 'participant_role') }} as participant_role,
        {{ unnested_field('unnested', 'insight', 'turn_begin_offset_ms') }} as turn_begin_offset_ms,
        {{ unnested_field('unnested', 'insight', 'turn_end_offset_ms') }} as turn_end_offset_ms,
        unnested.started_at,
        unnested.agent_id,
        unnested.team,
        unnested.queue,
        unnested.summary_resolved
    from unnested

)

select * from final
