{#-
    The bodies of the unnested intermediate models, over any current rows of their table (`current_rows`): the
    models read every current item; a mart that stores rows (`stored_mart_rows`) unnests the items after the
    split, and its stored model those before it.
-#}


{#-
    One row per question answered on a current evaluation, with the evaluation's own attributes and the question's
    section title and weight taken from the same current row (no join back to the evaluations or their sections).
-#}
{% macro scorecard_questions_unnested(parents_from) -%}
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
    from {{ parents_from }}

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
{%- endmacro %}


{#-
    One row per section of a current evaluation.
-#}
{% macro scorecard_sections_unnested(parents_from) -%}
{%- set section_fields = [
    'section_ref_id', 'title', 'weight', 'score_percentage',
] %}

with

parents as (

    select
        evaluation_id,
        section_list
    from {{ parents_from }}

),

unnested as (

    {{ unnest_list('parents', ['evaluation_id'], 'section_list', 'section', 'section_position', section_fields) }}

),

final as (

    select
        unnested.evaluation_id,
        cast(unnested.section_position as bigint) as section_position,
        {{ unnested_field('unnested', 'section', 'section_ref_id') }} as section_ref_id,
        {{ unnested_field('unnested', 'section', 'title') }} as section_title,
        {{ unnested_field('unnested', 'section', 'weight') }} as section_weight,
        {{ unnested_field('unnested', 'section', 'score_percentage') }} as section_score_percent
    from unnested

)

select * from final
{%- endmacro %}


{#-
    One row per insight (issue, outcome or action item) of a current call, with the call's attributes analysts group
    insights by, taken from the same current row (no join back to the calls).
-#}
{% macro call_insights_unnested(parents_from) -%}
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
    from {{ parents_from }}

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
{%- endmacro %}


{#-
    One row per Call Analytics category matched on a current call (the `categories` string set), with the call's
    attributes analysts group categories by, taken from the same current row (no join back to the calls).
-#}
{% macro call_categories_unnested(parents_from) -%}
{%- set call_columns = [
    'started_at', 'direction', 'agent_id', 'team', 'queue', 'sentiment_agent', 'sentiment_customer',
] %}

with

calls as (

    select
        call_id,
        {{ call_columns | join(', ') }},
        -- a string set holds each category once; distinct in the list, so no row-level distinct reads the key
        {{ array_distinct('category_list') }} as category_list
    from {{ parents_from }}

),

unnested as (

    {{ unnest_list('calls', ['call_id'] + call_columns, 'category_list', 'category', 'category_position') }}

)

select
    call_id,
    category,
    {{ call_columns | join(',\n    ') }}
from unnested
where category is not null
{%- endmacro %}
