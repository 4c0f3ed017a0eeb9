select
    c.agent_name,
    c.team,
    count(*) as call_count,
    round(avg(c.sentiment_customer_q1), 2) as avg_sentiment_customer_q1,
    round(avg(c.sentiment_customer_q4), 2) as avg_sentiment_customer_q4,
    round(avg(c.sentiment_customer_change), 2) as avg_sentiment_customer_change
from {{ ref('calls') }} as c
where c.call_status = 'COMPLETED'
    and c.call_date >= :period_start
    and c.call_date < :period_end
    and (:team is null or c.team = :team)
group by c.agent_name, c.team
order by avg_sentiment_customer_change desc, c.agent_name
limit :top_n
