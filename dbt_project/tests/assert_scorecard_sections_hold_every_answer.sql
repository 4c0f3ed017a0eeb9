-- Every answered question of `scorecard_answers` is counted in exactly one `scorecard_sections` row, with its
-- score: per evaluation, the questions, the scored questions and the sum of their scores agree. Section
-- averages read from `scorecard_sections` then equal the same averages over `scorecard_answers`.

with

answers as (

    select
        evaluation_id,
        count(*) as question_count,
        count(score_percent) as scored_question_count,
        coalesce(sum(score_percent), 0) as score_sum
    from {{ ref('scorecard_answers') }}
    group by evaluation_id

),

sections as (

    select
        evaluation_id,
        sum(question_count) as question_count,
        sum(scored_question_count) as scored_question_count,
        coalesce(sum(question_score_percent_sum), 0) as score_sum
    from {{ ref('scorecard_sections') }}
    group by evaluation_id

)

select
    coalesce(answers.evaluation_id, sections.evaluation_id) as evaluation_id,
    answers.question_count as answered_questions,
    sections.question_count as questions_in_sections,
    answers.scored_question_count as scored_answers,
    sections.scored_question_count as scored_in_sections
from answers
full outer join sections on answers.evaluation_id = sections.evaluation_id
where coalesce(answers.question_count, 0) <> coalesce(sections.question_count, 0)
    or coalesce(answers.scored_question_count, 0) <> coalesce(sections.scored_question_count, 0)
    or abs(coalesce(answers.score_sum, 0) - coalesce(sections.score_sum, 0)) > 1e-6
