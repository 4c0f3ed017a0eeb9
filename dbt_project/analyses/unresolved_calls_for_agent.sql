select
    c.call_id,
    c.call_date,
    c.queue,
    c.summary_topic,
    c.summary_callback_required
from {{ ref('calls') }} as c
where c.summary_resolved = false
    and c.call_date >= :period_start
    and c.call_date < :period_end
    and (:agent is null or c.agent_name = :agent)
order by c.call_date desc, c.call_id
limit :top_n
