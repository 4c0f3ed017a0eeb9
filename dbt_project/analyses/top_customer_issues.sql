select
    trim(ci.insight_text) as issue,
    count(distinct ci.call_id) as call_count,
    round(100 * avg(case when ci.summary_resolved then 1 else 0 end), 1) as resolved_percent
from {{ ref('call_insights') }} as ci
where ci.insight_type = 'ISSUE'
    and ci.call_date >= :period_start
    and ci.call_date < :period_end
    and (:queue is null or ci.queue = :queue)
group by trim(ci.insight_text)
order by call_count desc, issue
limit :top_n
