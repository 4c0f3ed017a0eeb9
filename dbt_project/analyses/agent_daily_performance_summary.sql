select
    adp.activity_date,
    adp.agent_name,
    adp.call_count,
    round(adp.avg_handle_time_seconds, 1) as avg_handle_time_seconds,
    round(adp.avg_sentiment_customer, 2) as avg_sentiment_customer,
    adp.evaluation_count,
    round(adp.avg_score_percent, 1) as avg_score_percent
from {{ ref('agent_daily_performance') }} as adp
where adp.activity_date >= :period_start
    and adp.activity_date < :period_end
    and (:agent is null or adp.agent_name = :agent)
    and (:team is null or adp.team = :team)
order by adp.activity_date desc, adp.agent_name
limit :top_n
