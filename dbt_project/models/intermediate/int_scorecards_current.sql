-- Evaluations as they are now: the latest change of each evaluation, without the removed ones.

with

latest_changes as (

    select * from {{ ref('int_scorecards_deduplicated') }}

),

final as (

    select * from latest_changes
    where not is_removed

)

select * from final
