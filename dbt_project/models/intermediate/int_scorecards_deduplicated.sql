{{ config(**current_state_config(unique_key='evaluation_id', partition_column='started_at')) }}

{#-
    The latest change of each evaluation, ordered and deduplicated exactly like `int_calls_deduplicated`;
    removals are kept as tombstones (`is_removed`) and dropped by `int_scorecards_current`.
    With the scale switch on, each merge also stores the evaluated call's team, queue and start as they are in
    the merged calls (`evaluated_call` macros), writing again the stored evaluations of every call changed since
    the last merge; by default these columns are null.
-#}
{%- set columns = (current_state_columns('scorecards') | trim).split(',') %}
{%- set call_changed = none %}
{%- if var('materialize_current_state') %}
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{#- the stored evaluations of the calls changed since the last merge; on Athena only those the merge can match
    (its lookback), so none is inserted twice -#}
{%- set call_changed = 'call_id in (select call_id from ' ~ ref('stg_dynamodb__calls') ~ ' '
    ~ changes_since_last_merge() ~ ')' %}
{%- if target.type == 'athena' %}
{%- set call_changed = '(' ~ call_changed ~ ' and started_at >= ' ~ minutes_before(
    'current_timestamp', 1440 * (var('current_state_merge_lookback_days') | int)) ~ ')' %}
{%- endif %}
{%- endif %}

with

latest_changes as (

    {{ latest_change_per_key(
        'stg_dynamodb__scorecards', 'evaluation_id', columns,
        also_restore=call_changed
    ) | indent(4) }}

),
{%- if var('materialize_current_state') %}

calls as (

    select
        call_id,
        team,
        queue,
        started_at
    from {{ ref('int_calls_deduplicated') }}
    where not is_removed

),

final as (

    select
        latest_changes.*,
        calls.team as call_team,
        calls.queue as call_queue,
        calls.started_at as call_started_at
    from latest_changes
    left join calls on latest_changes.call_id = calls.call_id

)
{%- else %}

final as (

    select
        *,
        cast(null as varchar) as call_team,
        cast(null as varchar) as call_queue,
        cast(null as {{ type_timestamp() }}) as call_started_at
    from latest_changes

)
{%- endif %}

select * from final
