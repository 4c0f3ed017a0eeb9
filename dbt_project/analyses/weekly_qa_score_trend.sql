select
    cast(date_trunc('week', s.evaluation_date) as date) as week_start,
    count(*) as evaluation_count,
    round(avg(s.score_percent), 1) as avg_score_percent
from {{ ref('scorecards') }} as s
where s.evaluation_status = 'SUBMITTED'
    and s.evaluation_date >= :period_start
    and s.evaluation_date < :period_end
    and (:team is null or s.team = :team)
group by cast(date_trunc('week', s.evaluation_date) as date)
order by week_start
