select
    cc.category,
    count(*) as call_count,
    round(avg(cc.sentiment_customer), 2) as avg_sentiment_customer,
    round(100 * avg(case when cc.sentiment_customer < 0 then 1 else 0 end), 1) as negative_call_percent
from {{ ref('call_categories') }} as cc
where cc.call_date >= :period_start
    and cc.call_date < :period_end
group by cc.category
order by avg_sentiment_customer, cc.category
