select
    c.call_date,
    count(*) as call_count,
    sum(case when c.direction = 'INBOUND' then 1 else 0 end) as inbound_call_count,
    sum(case when c.direction = 'OUTBOUND' then 1 else 0 end) as outbound_call_count
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
    and (:queue is null or c.queue = :queue)
group by c.call_date
order by c.call_date
