select
    c.queue,
    count(*) as inbound_call_count,
    round(avg(c.queue_wait_seconds), 1) as avg_queue_wait_seconds,
    round(approx_percentile(c.queue_wait_seconds, 0.9), 1) as p90_queue_wait_seconds
from {{ ref('calls') }} as c
where c.direction = 'INBOUND'
    and c.call_date >= :period_start
    and c.call_date < :period_end
group by c.queue
order by avg_queue_wait_seconds desc
