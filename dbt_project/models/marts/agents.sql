-- One row per agent seen on a call or an evaluation; name and team as on the agent's latest call.

with

calls as (

    select * from {{ ref('int_calls_current') }}

),

scorecards as (

    select * from {{ ref('int_scorecards_current') }}

),

agent_ids as (

    select agent_id from calls
    where agent_id is not null
    union
    select agent_id from scorecards
    where agent_id is not null

),

latest_call as (

    select
        agent_id,
        agent_name,
        team,
        row_number() over (partition by agent_id order by started_at desc, call_id desc) as call_rank
    from calls
    where agent_id is not null

),

call_activity as (

    select
        agent_id,
        count(*) as call_count,
        min(started_at) as first_call_at,
        max(started_at) as last_call_at
    from calls
    where agent_id is not null
    group by agent_id

),

evaluation_activity as (

    select
        agent_id,
        count(*) as evaluation_count
    from scorecards
    where agent_id is not null and evaluation_status = 'SUBMITTED'
    group by agent_id

),

final as (

    select
        agent_ids.agent_id,
        latest_call.agent_name,
        latest_call.team,
        call_activity.first_call_at,
        call_activity.last_call_at,
        coalesce(call_activity.call_count, 0) as call_count,
        coalesce(evaluation_activity.evaluation_count, 0) as evaluation_count
    from agent_ids
    left join latest_call on agent_ids.agent_id = latest_call.agent_id and latest_call.call_rank = 1
    left join call_activity on agent_ids.agent_id = call_activity.agent_id
    left join evaluation_activity on agent_ids.agent_id = evaluation_activity.agent_id

)

select * from final
