-- One row per question answered on a current evaluation, with the evaluation's own attributes and the question's
-- section title and weight taken from the same current row (no join back to the evaluations or their sections).
{%- set evaluation_columns = [
    'call_id', 'agent_id', 'form_id', 'form_title', 'form_version', 'evaluation_status', 'started_at', 'submitted_at',
    'call_team', 'call_queue', 'call_started_at',
] %}
{%- set question_fields = [
    'question_ref_id', 'section_ref_id', 'question_type', 'text', 'weight', 'answer_value',
    'answer_ref_id', 'score_percentage', 'not_applicable', 'automatic_fail', 'notes',
] %}

with

parents as (

    select
        evaluation_id,
        {{ evaluation_columns | join(', ') }},
        section_list,
        question_list
    from {{ ref('int_scorecards_current') }}

),

unnested as (

    {{ unnest_list(
        'parents', ['evaluation_id'] + evaluation_columns + ['section_list'], 'question_list', 'question', 'question_position',
        question_fields
    ) }}

),

final as (

    select
        unnested.evaluation_id,
        cast(unnested.question_position as bigint) as question_position,
        {{ unnested_field('unnested', 'question', 'question_ref_id') }} as question_ref_id,
        {{ unnested_field('unnested', 'question', 'section_ref_id') }} as section_ref_id,
        {{ unnested_field('unnested', 'question', 'question_type') }} as question_type,
        {{ array_find_field(
            'unnested.section_list', 'section_ref_id', unnested_field('unnested', 'question', 'section_ref_id'), 'title'
        ) }} as section_title,
        {{ array_find_field(
            'unnested.section_list', 'section_ref_id', unnested_field('unnested', 'question', 'section_ref_id'), 'weight'
        ) }} as section_weight,
        {{ unnested_field('unnested', 'question', 'text') }} as question_text,
        {{ unnested_field('unnested', 'question', 'weight') }} as question_weight,
        {{ unnested_field('unnested', 'question', 'answer_value') }} as answer_value,
        {{ unnested_field('unnested', 'question', 'answer_ref_id') }} as answer_ref_id,
        {{ unnested_field('unnested', 'question', 'score_percentage') }} as score_percent,
        {{ unnested_field('unnested', 'question', 'not_applicable') }} as is_not_applicable,
        {{ unnested_field('unnested', 'question', 'automatic_fail') }} as is_automatic_fail,
        {{ unnested_field('unnested', 'question', 'notes') }} as notes,
        unnested.call_id,
        unnested.agent_id,
        unnested.form_id,
        unnested.form_title,
        unnested.form_version,
        unnested.evaluation_status,
        unnested.started_at,
        unnested.submitted_at,
        unnested.call_team,
        unnested.call_queue,
        unnested.call_started_at
    from unnested

)

select * from final
