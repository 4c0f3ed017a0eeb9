select
    c.summary_topic,
    count(*) as call_count,
    round(100 * avg(case when c.summary_resolved then 1 else 0 end), 1) as resolved_percent,
    round(100 * avg(case when c.summary_callback_required then 1 else 0 end), 1) as callback_required_percent
from {{ ref('calls') }} as c
where c.summary_topic is not null
    and c.call_date >= :period_start
    and c.call_date < :period_end
    and (:queue is null or c.queue = :queue)
group by c.summary_topic
order by call_count desc, c.summary_topic
limit :top_n
