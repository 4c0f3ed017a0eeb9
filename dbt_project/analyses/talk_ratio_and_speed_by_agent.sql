with

per_agent as (
    select
        c.agent_name,
        c.team,
        count(*) as call_count,
        avg(c.talk_time_agent_percent) as avg_talk_time_agent_percent,
        avg(c.talk_speed_agent_wpm) as avg_talk_speed_agent_wpm
    from {{ ref('calls') }} as c
    where c.call_status = 'COMPLETED'
        and c.call_date >= :period_start
        and c.call_date < :period_end
        and (:team is null or c.team = :team)
    group by c.agent_name, c.team
)

select
    pa.agent_name,
    pa.team,
    pa.call_count,
    round(pa.avg_talk_time_agent_percent, 1) as avg_talk_time_agent_percent,
    round(pa.avg_talk_speed_agent_wpm, 1) as avg_talk_speed_agent_wpm,
    round(avg(pa.avg_talk_speed_agent_wpm) over (partition by pa.team), 1) as team_avg_talk_speed_agent_wpm
from per_agent as pa
order by avg_talk_speed_agent_wpm desc, pa.agent_name
limit :top_n
