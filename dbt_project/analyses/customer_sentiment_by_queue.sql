select
    c.queue,
    count(*) as call_count,
    round(avg(c.sentiment_customer), 2) as avg_sentiment_customer,
    round(100 * avg(case when c.sentiment_customer < 0 then 1 else 0 end), 1) as negative_call_percent
from {{ ref('calls') }} as c
where c.call_status = 'COMPLETED'
    and c.call_date >= :period_start
    and c.call_date < :period_end
    and (:direction is null or c.direction = :direction)
group by c.queue
order by avg_sentiment_customer, c.queue
