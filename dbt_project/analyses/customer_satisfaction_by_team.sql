select
    c.team,
    count(c.customer_satisfaction) as survey_count,
    round(avg(c.customer_satisfaction), 2) as avg_customer_satisfaction,
    round(avg(c.sentiment_customer), 2) as avg_sentiment_customer
from {{ ref('calls') }} as c
where c.call_date >= :period_start
    and c.call_date < :period_end
group by c.team
order by avg_customer_satisfaction desc, c.team
