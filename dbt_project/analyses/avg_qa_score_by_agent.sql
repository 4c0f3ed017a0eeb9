with

evaluations as (
    select * from {{ ref('scorecards') }}
),

agents as (
    select * from {{ ref('agents') }}
)

select
    a.agent_name,
    a.team,
    count(*) as evaluation_count,
    round(avg(e.score_percent), 1) as avg_score_percent,
    avg(e.score_percent) < 80 as below_target
from evaluations as e
inner join agents as a on a.agent_id = e.agent_id
where e.evaluation_status = 'SUBMITTED'
    and e.evaluation_date >= :period_start
    and e.evaluation_date < :period_end
    and (:team is null or a.team = :team)
group by a.agent_name, a.team
order by avg_score_percent, a.agent_name
