{#-
    The bodies of the marts that store rows (`stored_mart_rows`), over a part of the current state: 'all' (the
    intermediate models: every current item), 'recent' (the items after the split, with the recent changes) or
    'stored' (the stored items before the split `before`; these rows also carry the item's `started_at`, the
    stored model's partition column).
-#}


{% macro scorecard_answers_rows(part, before=none) -%}
{%- set split = evaluated_call_split() %}
with

questions as (

    select * from {{ unnested_rows('int_scorecard_questions_unnested', part, before) }}

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
        {%- if part == 'stored' %},
        questions.started_at
        {%- endif %}
    from questions
    left join calls on questions.call_id = calls.call_id

)

select * from final
{%- endmacro %}


{% macro scorecard_sections_rows(part, before=none) -%}
{%- set split = evaluated_call_split() %}
with

sections as (

    select * from {{ unnested_rows('int_scorecard_sections_unnested', part, before) }}

),

questions as (

    -- the answered questions of each section, with the sum of their scores (so averages over questions stay exact)
    select
        evaluation_id,
        section_ref_id,
        count(*) as question_count,
        count(score_percent) as scored_question_count,
        sum(score_percent) as question_score_percent_sum
    from {{ unnested_rows('int_scorecard_questions_unnested', part, before) }}
    group by evaluation_id, section_ref_id

),

scorecards as (

    select * from {{ current_rows('scorecards', part, before) }}

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
        {%- if part == 'stored' %},
        scorecards.started_at
        {%- endif %}
    from sections_and_questions
    inner join scorecards on sections_and_questions.evaluation_id = scorecards.evaluation_id
    left join calls on scorecards.call_id = calls.call_id

)

select * from final
{%- endmacro %}


{% macro scorecards_rows(part, before=none) -%}
{%- set split = evaluated_call_split() %}
with

scorecards as (

    select * from {{ current_rows('scorecards', part, before) }}

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
{%- endmacro %}


{% macro call_insights_rows(part, before=none) -%}
with

insights as (

    select * from {{ unnested_rows('int_call_insights_unnested', part, before) }}

),

final as (

    select
        call_id,
        insight_position,
        insight_type,
        insight_text,
        participant_role,
        cast(turn_begin_offset_ms as double) / 1000 as turn_begin_offset_seconds,
        cast(turn_end_offset_ms as double) / 1000 as turn_end_offset_seconds,
        cast(started_at as date) as call_date,
        started_at,
        agent_id,
        team,
        queue,
        summary_resolved
    from insights

)

select * from final
{%- endmacro %}


{% macro call_categories_rows(part, before=none) -%}
with

categories as (

    select * from {{ unnested_rows('int_call_categories_unnested', part, before) }}

),

final as (

    select
        call_id,
        category,
        cast(started_at as date) as call_date,
        started_at,
        direction,
        agent_id,
        team,
        queue,
        sentiment_agent,
        sentiment_customer
    from categories

)

select * from final
{%- endmacro %}


{#- An unnested intermediate model over every current item ('all'), or its body over a part of the current state. -#}
{% macro unnested_rows(model_name, part, before=none) -%}
    {%- if part == 'all' -%}
    {{ ref(model_name) }}
    {%- else -%}
    {%- set table = 'calls' if model_name.startswith('int_call_') else 'scorecards' -%}
    {%- set parents = current_rows(table, part, before) -%}
    (
        {%- if model_name == 'int_scorecard_questions_unnested' %}
        {{ scorecard_questions_unnested(parents) | indent(8) }}
        {%- elif model_name == 'int_scorecard_sections_unnested' %}
        {{ scorecard_sections_unnested(parents) | indent(8) }}
        {%- elif model_name == 'int_call_insights_unnested' %}
        {{ call_insights_unnested(parents) | indent(8) }}
        {%- elif model_name == 'int_call_categories_unnested' %}
        {{ call_categories_unnested(parents) | indent(8) }}
        {%- else %}
        {{ exceptions.raise_compiler_error('unnested_rows: unknown model ' ~ model_name) }}
        {%- endif %}
    ) as {{ model_name[4:] }}
    {%- endif -%}
{%- endmacro %}


{#-
    Per agent, from call rows `(agent_id, agent_name, team, started_at, first_call_at, call_count)` — single calls
    (`first_call_at` their start, `call_count` 1) or stored per-agent partials: the latest call's name and team, the
    first and last start, and the calls counted. `agents` ranks the calls with it, and `int_agent_calls_stored`
    the calls before the split, so a partial is exactly the calls it stands for.
-#}
{% macro agent_call_activity(calls) -%}
select
    agent_id,
    agent_name,
    team,
    first_call_at,
    last_call_at,
    call_count
from (
    select
        agent_id,
        agent_name,
        team,
        -- calls that started at the same instant: the greatest name, then team (deterministic without the key)
        row_number() over (
            partition by agent_id order by started_at desc, agent_name desc, team desc
        ) as call_rank,
        cast(sum(call_count) over (partition by agent_id) as bigint) as call_count,
        min(first_call_at) over (partition by agent_id) as first_call_at,
        max(started_at) over (partition by agent_id) as last_call_at
    from {{ calls }}
) as ranked_calls
where call_rank = 1
{%- endmacro %}
