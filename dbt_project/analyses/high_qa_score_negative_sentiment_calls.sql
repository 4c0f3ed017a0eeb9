with

evaluations as (
    select * from {{ ref('scorecards') }}
),

calls as (
    select * from {{ ref('calls') }}
)

select
    c.call_id,
    c.call_date,
    c.agent_name,
    round(e.score_percent, 1) as score_percent,
    round(c.sentiment_customer, 2) as sentiment_customer
from evaluations as e
inner join calls as c on c.call_id = e.call_id
where e.evaluation_status = 'SUBMITTED'
    and e.score_percent >= 90
    and c.sentiment_customer < 0
    and c.call_date >= :period_start
    and c.call_date < :period_end
order by c.sentiment_customer, c.call_id
limit :top_n
