-- One row per agent seen on a call or an evaluation; name and team as on the agent's latest call.
-- Each source is read once: one window over the calls gives the latest call and the activity together.

with

calls as (

    select
        agent_id,
        agent_name,
        team,
        started_at
    from {{ ref('int_calls_current') }}
    where agent_id is not null

),

scorecards as (

    select
        agent_id,
        evaluation_status
    from {{ ref('int_scorecards_current') }}
    where agent_id is not null

),

ranked_calls as (

    select
        agent_id,
        agent_name,
        team,
        -- calls that started at the same instant: the greatest name, then team (deterministic without the key)
        row_number() over (
            partition by agent_id order by started_at desc, agent_name desc, team desc
        ) as call_rank,
        count(*) over (partition by agent_id) as call_count,
        min(started_at) over (partition by agent_id) as first_call_at,
        max(started_at) over (partition by agent_id) as last_call_at
    from calls

),

call_activity as (

    select
        agent_id,
        agent_name,
        team,
        first_call_at,
        last_call_at,
        call_count
    from ranked_calls
    where call_rank = 1

),

evaluation_activity as (

    select
        agent_id,
        count(case when evaluation_status = 'SUBMITTED' then 1 end) as evaluation_count
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
