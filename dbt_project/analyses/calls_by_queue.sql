select
    c.queue,
    count(*) as call_count,
    round(avg(c.handle_time_seconds), 1) as avg_handle_time_seconds,
    round(avg(c.queue_wait_seconds), 1) as avg_queue_wait_seconds,
    round(avg(c.sentiment_customer), 2) as avg_sentiment_customer
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
    and (:direction is null or c.direction = :direction)
group by c.queue
order by call_count desc
