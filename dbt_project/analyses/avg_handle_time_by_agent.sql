select
    c.agent_name,
    c.team,
    count(*) as call_count,
    round(avg(c.handle_time_seconds), 1) as avg_handle_time_seconds,
    round(avg(c.hold_time_seconds), 1) as avg_hold_time_seconds,
    round(avg(c.after_call_work_seconds), 1) as avg_after_call_work_seconds
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
    and (:team is null or c.team = :team)
group by c.agent_name, c.team
order by avg_handle_time_seconds desc
limit :top_n
