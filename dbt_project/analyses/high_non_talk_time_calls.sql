select
    c.call_id,
    c.call_date,
    c.agent_name,
    c.queue,
    round(c.non_talk_time_percent, 1) as non_talk_time_percent,
    round(c.handle_time_seconds, 1) as handle_time_seconds
from {{ ref('calls') }} as c
where c.non_talk_time_percent > 20
    and c.call_date >= :period_start
    and c.call_date < :period_end
    and (:queue is null or c.queue = :queue)
order by c.non_talk_time_percent desc, c.call_id
limit :top_n
