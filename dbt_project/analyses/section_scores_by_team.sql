select
    sa.team,
    sa.section_title,
    count(distinct sa.evaluation_id) as evaluation_count,
    round(avg(sa.score_percent), 1) as avg_score_percent
from {{ ref('scorecard_answers') }} as sa
where sa.evaluation_status = 'SUBMITTED'
    and sa.score_percent is not null
    and sa.evaluation_date >= :period_start
    and sa.evaluation_date < :period_end
    and (:team is null or sa.team = :team)
group by sa.team, sa.section_title
order by sa.team, avg_score_percent
