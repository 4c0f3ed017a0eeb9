-- One row per agent seen on a call or an evaluation; name and team as on the agent's latest call.
-- Each source is read once: one window over the calls gives the latest call and the activity together. Where mart
-- rows are stored (`stored_mart_rows`), the calls and evaluations before the split are read as the per-agent
-- partial aggregates the build stored (`int_agent_calls_stored`, `int_agent_evaluations_stored`).
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- if stores_mart_rows() %}
-- depends_on: {{ ref('int_agent_calls_stored') }} {{ ref('int_agent_evaluations_stored') }}
{%- endif %}
{%- set calls_split = stored_rows_split('calls', 'int_agent_calls_stored') %}
{%- set evaluations_split = stored_rows_split('scorecards', 'int_agent_evaluations_stored') %}

with

calls as (

    -- each call, or the stored calls' latest call, first call and count per agent
    select
        agent_id,
        agent_name,
        team,
        started_at,
        started_at as first_call_at,
        1 as call_count
    from {{ current_rows('calls', 'all' if calls_split is none else 'recent') }}
    where agent_id is not null
    {%- if calls_split is not none %}
    union all
    select
        agent_id,
        agent_name,
        team,
        last_call_at as started_at,
        first_call_at,
        call_count
    from {{ ref('int_agent_calls_stored') }}
    {%- endif %}

),

scorecards as (

    select
        agent_id,
        case when evaluation_status = 'SUBMITTED' then 1 else 0 end as evaluation_count
    from {{ current_rows('scorecards', 'all' if evaluations_split is none else 'recent') }}
    where agent_id is not null
    {%- if evaluations_split is not none %}
    union all
    select
        agent_id,
        evaluation_count
    from {{ ref('int_agent_evaluations_stored') }}
    {%- endif %}

),

call_activity as (

    {{ agent_call_activity('calls') | indent(4) }}

),

evaluation_activity as (

    select
        agent_id,
        cast(sum(evaluation_count) as bigint) as evaluation_count
    from scorecards
    group by agent_id

),

final as (

    select
        coalesce(call_activity.agent_id, evaluation_activity.agent_id) as agent_id,
        call_activity.agent_name,
        call_activity.team,
        call_activity.first_call_at,
        call_activity.last_call_at,
        coalesce(call_activity.call_count, 0) as call_count,
        coalesce(evaluation_activity.evaluation_count, 0) as evaluation_count
    from call_activity
    full outer join evaluation_activity on call_activity.agent_id = evaluation_activity.agent_id

)

select * from final
