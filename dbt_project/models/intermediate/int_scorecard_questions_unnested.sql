-- One row per question answered on a current evaluation (maps the elements of the `questions` list).

with

scorecards as (

    select
        evaluation_id,
        questions_json
    from {{ ref('int_scorecards_current') }}

),

final as (

    select
        scorecards.evaluation_id,
        cast(question.question_position as bigint) as question_position,
        {{ json_scalar('question.question_value', '$.question_ref_id') }} as question_ref_id,
        {{ json_scalar('question.question_value', '$.section_ref_id') }} as section_ref_id,
        {{ json_scalar('question.question_value', '$.question_type') }} as question_type,
        {{ json_scalar('question.question_value', '$.text') }} as question_text,
        {{ json_scalar('question.question_value', '$.weight', 'double') }} as question_weight,
        {{ json_scalar('question.question_value', '$.answer_value') }} as answer_value,
        {{ json_scalar('question.question_value', '$.answer_ref_id') }} as answer_ref_id,
        {{ json_scalar('question.question_value', '$.score_percentage', 'double') }} as score_percent,
        {{ json_scalar('question.question_value', '$.not_applicable', 'boolean') }} as is_not_applicable,
        {{ json_scalar('question.question_value', '$.automatic_fail', 'boolean') }} as is_automatic_fail,
        {{ json_scalar('question.question_value', '$.notes') }} as notes
    from scorecards
    {{ cross_join_json_array('scorecards.questions_json', 'question', 'question_value', 'question_position') }}

)

select * from final
