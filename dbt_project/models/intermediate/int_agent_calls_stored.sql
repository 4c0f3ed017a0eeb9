{{ config(**stored_mart_rows_config(partitioned=false)) }}

-- Per agent, the calls before the split (`stored_mart_rows`): the latest call's name and team (by start, then the
-- greatest name and team, as `agents` ranks them), the first and last start, and the count. Rebuilt by each build.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- set before = current_state_split('calls') %}

with

calls as (

    select
        agent_id,
        agent_name,
        team,
        started_at
    from {{ current_rows('calls', 'stored', before) }}
    where agent_id is not null

),

ranked as (

    select
        agent_id,
        agent_name,
        team,
        row_number() over (
            partition by agent_id order by started_at desc, agent_name desc, team desc
        ) as call_rank,
        count(*) over (partition by agent_id) as call_count,
        min(started_at) over (partition by agent_id) as first_call_at,
        max(started_at) over (partition by agent_id) as last_call_at
    from calls

),

final as (

    select
        agent_id,
        agent_name,
        team,
        first_call_at,
        last_call_at,
        call_count
    from ranked
    where call_rank = 1

)

{{ stored_mart_rows_body('select * from final', before) }}
