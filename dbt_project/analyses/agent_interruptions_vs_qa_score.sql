with

call_stats as (
    select
        c.agent_id,
        c.agent_name,
        c.team,
        count(*) as call_count,
        avg(c.interruptions_agent_count) as avg_interruptions_agent
    from {{ ref('calls') }} as c
    where c.call_status = 'COMPLETED'
        and c.call_date >= :period_start
        and c.call_date < :period_end
    group by c.agent_id, c.agent_name, c.team
),

qa_stats as (
    select
        s.agent_id,
        avg(s.score_percent) as avg_score_percent
    from {{ ref('scorecards') }} as s
    where s.evaluation_status = 'SUBMITTED'
        and s.evaluation_date >= :period_start
        and s.evaluation_date < :period_end
    group by s.agent_id
)

select
    cs.agent_name,
    cs.team,
    cs.call_count,
    round(cs.avg_interruptions_agent, 2) as avg_interruptions_agent,
    round(qs.avg_score_percent, 1) as avg_score_percent
from call_stats as cs
left join qa_stats as qs on qs.agent_id = cs.agent_id
order by avg_interruptions_agent desc, cs.agent_name
limit :top_n
