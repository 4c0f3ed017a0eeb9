-- One row per question answered on a current evaluation.
{%- set question_fields = [
    'question_ref_id', 'section_ref_id', 'question_type', 'text', 'weight', 'answer_value',
    'answer_ref_id', 'score_percentage', 'not_applicable', 'automatic_fail', 'notes',
] %}

with

parents as (

    select
        evaluation_id,
        question_list
    from {{ ref('int_scorecards_current') }}

),

unnested as (

    {{ unnest_list('parents', ['evaluation_id'], 'question_list', 'question', 'question_position', question_fields) }}

),

final as (

    select
        unnested.evaluation_id,
        cast(unnested.question_position as bigint) as question_position,
        {{ unnested_field('unnested', 'question', 'question_ref_id') }} as question_ref_id,
        {{ unnested_field('unnested', 'question', 'section_ref_id') }} as section_ref_id,
        {{ unnested_field('unnested', 'question', 'question_type') }} as question_type,
        {{ unnested_field('unnested', 'question', 'text') }} as question_text,
        {{ unnested_field('unnested', 'question', 'weight') }} as question_weight,
        {{ unnested_field('unnested', 'question', 'answer_value') }} as answer_value,
        {{ unnested_field('unnested', 'question', 'answer_ref_id') }} as answer_ref_id,
        {{ unnested_field('unnested', 'question', 'score_percentage') }} as score_percent,
        {{ unnested_field('unnested', 'question', 'not_applicable') }} as is_not_applicable,
        {{ unnested_field('unnested', 'question', 'automatic_fail') }} as is_automatic_fail,
        {{ unnested_field('unnested', 'question', 'notes') }} as notes
    from unnested

)

select * from final
