select count(*) as total_calls
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
