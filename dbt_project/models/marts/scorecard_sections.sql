-- One row per section of a current evaluation: its title, weight and score, how many of its questions were
-- answered and scored, and the evaluation's context. Section averages over questions read this mart instead of
-- counting distinct evaluations over `scorecard_answers`.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- set split = evaluated_call_split() %}

with

sections as (

    select * from {{ ref('int_scorecard_sections_unnested') }}

),

questions as (

    -- the answered questions of each section, with the sum of their scores (so averages over questions stay exact)
    select
        evaluation_id,
        section_ref_id,
        count(*) as question_count,
        count(score_percent) as scored_question_count,
        sum(score_percent) as question_score_percent_sum
    from {{ ref('int_scorecard_questions_unnested') }}
    group by evaluation_id, section_ref_id

),

scorecards as (

    select * from {{ ref('int_scorecards_current') }}

),

calls as (

    -- the evaluated call's team and queue (`evaluated_call` macros)
    {{ evaluated_calls(split) | indent(4) }}

),

sections_and_questions as (

    -- every listed section, and any section the answered questions name that the evaluation does not list
    -- (its title and weight unknown): each answered question falls in exactly one row, as in `scorecard_answers`
    select
        coalesce(sections.evaluation_id, questions.evaluation_id) as evaluation_id,
        sections.section_position,
        coalesce(sections.section_ref_id, questions.section_ref_id) as section_ref_id,
        sections.section_title,
        sections.section_weight,
        sections.section_score_percent,
        coalesce(questions.question_count, 0) as question_count,
        coalesce(questions.scored_question_count, 0) as scored_question_count,
        questions.question_score_percent_sum
    from sections
    full outer join questions
        on
            sections.evaluation_id = questions.evaluation_id
            and sections.section_ref_id = questions.section_ref_id

),

final as (

    select
        sections_and_questions.evaluation_id,
        sections_and_questions.section_position,
        sections_and_questions.section_ref_id,
        sections_and_questions.section_title,
        sections_and_questions.section_weight,
        sections_and_questions.section_score_percent,
        sections_and_questions.question_count,
        sections_and_questions.scored_question_count,
        sections_and_questions.question_score_percent_sum,
        scorecards.call_id,
        scorecards.agent_id,
        {{ evaluated_call_attribute(split, 'scorecards', 'team') }} as team,
        {{ evaluated_call_attribute(split, 'scorecards', 'queue') }} as queue,
        scorecards.form_id,
        scorecards.form_title,
        scorecards.form_version,
        scorecards.evaluation_status,
        cast(coalesce(scorecards.submitted_at, scorecards.started_at) as date) as evaluation_date
    from sections_and_questions
    inner join scorecards on sections_and_questions.evaluation_id = scorecards.evaluation_id
    left join calls on scorecards.call_id = calls.call_id

)

select * from final
