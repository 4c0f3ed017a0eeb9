select
    c.direction,
    count(*) as call_count
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
group by c.direction
order by call_count desc
