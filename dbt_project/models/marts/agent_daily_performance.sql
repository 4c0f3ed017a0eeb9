-- One row per agent and day with calls or submitted evaluations: volumes, handle time, sentiment, QA scores.
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_scorecards_stored') }}
{%- endif %}
{%- set evaluations_split = stored_rows_split('scorecards', 'int_scorecards_stored') %}

with

calls as (

    select * from {{ ref('calls') }}

),

scorecards as (

    -- the evaluations' own columns (as in `scorecards`), without the join to the evaluated call it adds; where
    -- mart rows are stored, those of the evaluations before the split as `scorecards` stored them
    select
        agent_id,
        evaluation_status,
        cast(coalesce(submitted_at, started_at) as date) as evaluation_date,
        score_percent,
        is_automatic_fail
    from {{ current_rows('scorecards', 'all' if evaluations_split is none else 'recent') }}
    {%- if evaluations_split is not none %}
    union all
    select
        agent_id,
        evaluation_status,
        evaluation_date,
        score_percent,
        is_automatic_fail
    from {{ ref('int_scorecards_stored') }}
    where started_at < cast('{{ evaluations_split }}' as {{ type_timestamp() }})
    {%- endif %}

),

agents as (

    select * from {{ ref('agents') }}

),

daily_calls as (

    select
        agent_id,
        call_date as activity_date,
        count(*) as call_count,
        count(case when direction = 'INBOUND' then 1 end) as inbound_call_count,
        count(case when direction = 'OUTBOUND' then 1 end) as outbound_call_count,
        cast(sum(handle_time_seconds) as double) as total_handle_time_seconds,
        avg(duration_seconds) as avg_duration_seconds,
        avg(handle_time_seconds) as avg_handle_time_seconds,
        avg(non_talk_time_percent) as avg_non_talk_time_percent,
        avg(talk_time_agent_percent) as avg_talk_time_agent_percent,
        avg(talk_speed_agent_wpm) as avg_talk_speed_agent_wpm,
        cast(sum(interruptions_agent_count) as bigint) as interruptions_agent_count,
        avg(sentiment_agent) as avg_sentiment_agent,
        avg(sentiment_customer) as avg_sentiment_customer
    from calls
    where agent_id is not null and call_date is not null
    group by agent_id, call_date

),

daily_evaluations as (

    select
        agent_id,
        evaluation_date as activity_date,
        count(*) as evaluation_count,
        avg(score_percent) as avg_score_percent,
        count(case when is_automatic_fail then 1 end) as automatic_fail_count
    from scorecards
    where agent_id is not null and evaluation_status = 'SUBMITTED' and evaluation_date is not null
    group by agent_id, evaluation_date

),

agent_days as (

    select
        agent_id,
        activity_date
    from daily_calls
    union
    select
        agent_id,
        activity_date
    from daily_evaluations

),

final as (

    select
        agent_days.agent_id,
        agent_days.activity_date,
        agents.agent_name,
        agents.team,
        coalesce(daily_calls.call_count, 0) as call_count,
        coalesce(daily_calls.inbound_call_count, 0) as inbound_call_count,
        coalesce(daily_calls.outbound_call_count, 0) as outbound_call_count,
        daily_calls.total_handle_time_seconds,
        daily_calls.avg_duration_seconds,
        daily_calls.avg_handle_time_seconds,
        daily_calls.avg_non_talk_time_percent,
        daily_calls.avg_talk_time_agent_percent,
        daily_calls.avg_talk_speed_agent_wpm,
        daily_calls.interruptions_agent_count,
        daily_calls.avg_sentiment_agent,
        daily_calls.avg_sentiment_customer,
        coalesce(daily_evaluations.evaluation_count, 0) as evaluation_count,
        daily_evaluations.avg_score_percent,
        coalesce(daily_evaluations.automatic_fail_count, 0) as automatic_fail_count
    from agent_days
    left join agents on agent_days.agent_id = agents.agent_id
    left join daily_calls
        on
            agent_days.agent_id = daily_calls.agent_id
            and agent_days.activity_date = daily_calls.activity_date
    left join daily_evaluations
        on
            agent_days.agent_id = daily_evaluations.agent_id
            and agent_days.activity_date = daily_evaluations.activity_date

)

select * from final
