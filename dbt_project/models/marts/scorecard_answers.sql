-- One row per question answered on an evaluation, with its section and the evaluation's context.

with

questions as (

    select * from {{ ref('int_scorecard_questions_unnested') }}

),

sections as (

    select * from {{ ref('int_scorecard_sections_unnested') }}

),

scorecards as (

    select * from {{ ref('scorecards') }}

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
        sections.section_title,
        sections.section_weight,
        questions.answer_value,
        questions.answer_ref_id,
        questions.score_percent,
        coalesce(questions.is_not_applicable, false) as is_not_applicable,
        coalesce(questions.is_automatic_fail, false) as is_automatic_fail,
        questions.notes,
        scorecards.call_id,
        scorecards.agent_id,
        scorecards.team,
        scorecards.queue,
        scorecards.form_id,
        scorecards.form_title,
        scorecards.form_version,
        scorecards.evaluation_status,
        scorecards.evaluation_date
    from questions
    inner join scorecards on questions.evaluation_id = scorecards.evaluation_id
    left join sections
        on
            questions.evaluation_id = sections.evaluation_id
            and questions.section_ref_id = sections.section_ref_id

)

select * from final
