select
    sa.section_title,
    sa.question_text,
    count(*) as answer_count,
    round(avg(sa.score_percent), 1) as avg_score_percent
from {{ ref('scorecard_answers') }} as sa
where sa.evaluation_status = 'SUBMITTED'
    and sa.score_percent is not null
    and sa.evaluation_date >= :period_start
    and sa.evaluation_date < :period_end
group by sa.section_title, sa.question_text
order by avg_score_percent, sa.section_title, sa.question_text
limit :top_n
