-- One row per current QA evaluation, with the evaluated call's team and queue.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- set split = evaluated_call_split() %}

with

scorecards as (

    select * from {{ ref('int_scorecards_current') }}

),

calls as (

    -- the evaluated call's team and queue (`evaluated_call` macros)
    {{ evaluated_calls(split) | indent(4) }}

),

final as (

    select
        scorecards.evaluation_id,
        scorecards.call_id,
        scorecards.agent_id,
        {{ evaluated_call_attribute(split, 'scorecards', 'team') }} as team,
        {{ evaluated_call_attribute(split, 'scorecards', 'queue') }} as queue,
        scorecards.evaluator,
        scorecards.evaluation_source,
        scorecards.form_id,
        scorecards.form_title,
        scorecards.form_version,
        scorecards.evaluation_status,
        scorecards.started_at,
        scorecards.submitted_at,
        cast(coalesce(scorecards.submitted_at, scorecards.started_at) as date) as evaluation_date,
        scorecards.score_percent,
        scorecards.is_automatic_fail,
        scorecards.is_not_applicable,
        -- counted when each change was staged: no question unnests the question list to count it
        scorecards.question_count,
        scorecards.automatic_fail_question_count,
        scorecards.updated_at
    from scorecards
    left join calls on scorecards.call_id = calls.call_id

)

select * from final
