-- Calls as they are now: the latest change of each call, without the calls that were removed. With the scale
-- switch on: the stored current state plus the changes since the last merge (`current_state_with_recent_changes`).
-- depends_on: {{ ref('stg_dynamodb__calls') }}

with

latest_changes as (

    {{ current_state_with_recent_changes('calls', 'call_id') | indent(4) }}

),

final as (

    select * from latest_changes
    where not is_removed

)

select * from final
