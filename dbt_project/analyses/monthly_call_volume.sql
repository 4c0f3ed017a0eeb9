select
    cast(date_trunc('month', c.call_date) as date) as call_month,
    count(*) as call_count,
    round(avg(c.handle_time_seconds), 1) as avg_handle_time_seconds,
    round(avg(c.sentiment_customer), 2) as avg_sentiment_customer
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
group by cast(date_trunc('month', c.call_date) as date)
order by call_month
