-- One row per question answered on an evaluation, with its section and the evaluation's context.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- set split = evaluated_call_split() %}

with

questions as (

    select * from {{ ref('int_scorecard_questions_unnested') }}

),

calls as (

    -- the evaluated call's team and queue (`evaluated_call` macros)
    {{ evaluated_calls(split) | indent(4) }}

),

final as (

    select
        questions.evaluation_id,
        questions.question_position,
        questions.question_ref_id,
        questions.question_text,
        questions.question_type,
        questions.question_weight,
        questions.section_ref_id,
        questions.section_title,
        questions.section_weight,
        questions.answer_value,
        questions.answer_ref_id,
        questions.score_percent,
        coalesce(questions.is_not_applicable, false) as is_not_applicable,
        coalesce(questions.is_automatic_fail, false) as is_automatic_fail,
        questions.notes,
        questions.call_id,
        questions.agent_id,
        {{ evaluated_call_attribute(split, 'questions', 'team') }} as team,
        {{ evaluated_call_attribute(split, 'questions', 'queue') }} as queue,
        questions.form_id,
        questions.form_title,
        questions.form_version,
        questions.evaluation_status,
        cast(coalesce(questions.submitted_at, questions.started_at) as date) as evaluation_date
    from questions
    left join calls on questions.call_id = calls.call_id

)

select * from final
