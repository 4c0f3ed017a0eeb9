select
    s.team,
    count(*) as evaluation_count,
    sum(case when s.is_automatic_fail then 1 else 0 end) as automatic_fail_count,
    round(100 * avg(case when s.is_automatic_fail then 1 else 0 end), 1) as automatic_fail_percent
from {{ ref('scorecards') }} as s
where s.evaluation_status = 'SUBMITTED'
    and s.evaluation_date >= :period_start
    and s.evaluation_date < :period_end
group by s.team
order by automatic_fail_percent desc, s.team
