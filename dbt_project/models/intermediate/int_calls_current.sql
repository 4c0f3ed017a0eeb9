-- Calls as they are now: the latest change of each call, without the calls that were removed.

with

latest_changes as (

    select * from {{ ref('int_calls_deduplicated') }}

),

final as (

    select * from latest_changes
    where not is_removed

)

select * from final
