{{ config(**current_state_config(unique_key='evaluation_id', partition_column='started_at')) }}

{#-
    The latest change of each evaluation, ordered and deduplicated exactly like `int_calls_deduplicated`;
    removals are kept as tombstones (`is_removed`) and dropped by `int_scorecards_current`.
-#}
{%- set columns = [
    'evaluation_id', 'event_id', 'event_name', 'event_source', 'event_at', 'sequence_number', 'ingested_at',
    'is_removed', 'call_id', 'agent_id', 'evaluator', 'evaluation_source', 'form_id', 'form_title',
    'form_version', 'evaluation_status', 'started_at', 'submitted_at', 'score_percent', 'is_automatic_fail',
    'is_not_applicable', 'section_list', 'question_list', 'updated_at',
] -%}

with

changes as (

    select {{ columns | join(', ') }}
    from {{ ref('stg_dynamodb__scorecards') }}
    {{ changes_since_last_merge() }}

),

stored_state as (

    -- with the scale switch on, the stored latest change of each evaluation touched by this run, so that an
    -- older change arriving late cannot replace it; otherwise nothing
    select {{ columns | join(', ') }}
    {%- if var('materialize_current_state') and is_incremental() %}
    from {{ this }}
    where evaluation_id in (select changes.evaluation_id from changes)
    {%- else %}
    from changes
    where false
    {%- endif %}

),

candidates as (

    select * from changes
    union all
    select * from stored_state

),

ranked as (

    select
        candidates.*,
        row_number() over (
            partition by evaluation_id
            order by event_at desc, sequence_number desc, event_id desc, ingested_at desc
        ) as change_rank
    from candidates
    where evaluation_id is not null

),

final as (

    select {{ columns | join(', ') }}
    from ranked
    where change_rank = 1

)

select * from final
