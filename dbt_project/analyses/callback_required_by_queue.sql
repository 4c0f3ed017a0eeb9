select
    c.queue,
    count(*) as call_count,
    sum(case when c.summary_callback_required then 1 else 0 end) as callback_required_count,
    round(100 * avg(case when c.summary_callback_required then 1 else 0 end), 1) as callback_required_percent
from {{ ref('calls') }} as c
where c.summary_callback_required is not null
    and c.call_date >= :period_start
    and c.call_date < :period_end
group by c.queue
order by callback_required_percent desc, c.queue
