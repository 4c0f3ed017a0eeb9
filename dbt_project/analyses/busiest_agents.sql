select
    c.agent_name,
    c.team,
    count(*) as call_count,
    round(sum(c.handle_time_seconds) / 3600, 1) as total_handle_time_hours
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
    and (:team is null or c.team = :team)
group by c.agent_name, c.team
order by call_count desc, c.agent_name
limit :top_n
