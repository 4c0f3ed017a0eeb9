select
    ss.team,
    ss.section_title,
    count(*) as evaluation_count,
    round(sum(ss.question_score_percent_sum) / sum(ss.scored_question_count), 1) as avg_score_percent
from {{ ref('scorecard_sections') }} as ss
where ss.evaluation_status = 'SUBMITTED'
    and ss.scored_question_count > 0
    and ss.evaluation_date >= :period_start
    and ss.evaluation_date < :period_end
    and (:team is null or ss.team = :team)
group by ss.team, ss.section_title
order by ss.team, avg_score_percent
