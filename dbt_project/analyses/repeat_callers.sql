select
    c.customer_id,
    count(*) as call_count,
    min(c.started_at) as first_call_at,
    max(c.started_at) as last_call_at
from {{ ref('calls') }} as c
where c.direction = 'INBOUND'
    and c.call_date >= :period_start
    and c.call_date < :period_end
group by c.customer_id
having count(*) > 1
order by call_count desc, c.customer_id
limit :top_n
