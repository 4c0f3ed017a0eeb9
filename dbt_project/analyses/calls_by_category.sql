select
    cc.category,
    count(*) as call_count
from {{ ref('call_categories') }} as cc
where cc.call_date >= :period_start
    and cc.call_date < :period_end
    and (:queue is null or cc.queue = :queue)
group by cc.category
order by call_count desc, cc.category
limit :top_n
