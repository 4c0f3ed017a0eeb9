-- Evaluations as they are now: the latest change of each evaluation, without the removed ones. With the scale
-- switch on: the stored current state plus the changes since the last merge (`current_state_with_recent_changes`),
-- with the evaluated call's attributes the merge stored while the evaluation's call is unchanged.
-- depends_on: {{ ref('stg_dynamodb__scorecards') }}

with

latest_changes as (

    {{ current_state_with_recent_changes(
        'scorecards', 'evaluation_id',
        carried=['call_team', 'call_queue', 'call_started_at'], carried_while='call_id'
    ) | indent(4) }}

),

final as (

    select * from latest_changes
    where not is_removed

)

select * from final
