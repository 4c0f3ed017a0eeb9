select
    sa.question_text,
    sa.answer_value,
    count(distinct sa.evaluation_id) as automatic_fail_count
from {{ ref('scorecard_answers') }} as sa
where sa.is_automatic_fail
    and sa.evaluation_status = 'SUBMITTED'
    and sa.evaluation_date >= :period_start
    and sa.evaluation_date < :period_end
    and (:team is null or sa.team = :team)
group by sa.question_text, sa.answer_value
order by automatic_fail_count desc, sa.question_text
limit :top_n
