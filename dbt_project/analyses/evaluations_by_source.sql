select
    s.evaluation_source,
    count(*) as evaluation_count,
    round(avg(s.score_percent), 1) as avg_score_percent,
    sum(case when s.is_automatic_fail then 1 else 0 end) as automatic_fail_count
from {{ ref('scorecards') }} as s
where s.evaluation_status = 'SUBMITTED'
    and s.evaluation_date >= :period_start
    and s.evaluation_date < :period_end
group by s.evaluation_source
order by evaluation_count desc
