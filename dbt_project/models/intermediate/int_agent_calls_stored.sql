{{ config(**stored_mart_rows_config(partitioned=false)) }}

-- Per agent, the calls before the split (`stored_mart_rows`), ranked as `agents` ranks them (`agent_call_activity`):
-- the latest call's name and team, the first and last start, and the count. Rebuilt by each build.
-- depends_on: {{ ref('int_calls_deduplicated') }} {{ ref('stg_dynamodb__calls') }}
{%- set before = current_state_split('calls') %}

with

calls as (

    select
        agent_id,
        agent_name,
        team,
        started_at,
        started_at as first_call_at,
        1 as call_count
    from {{ current_rows('calls', 'stored', before) }}
    where agent_id is not null

),

final as (

    {{ agent_call_activity('calls') | indent(4) }}

)

{{ stored_mart_rows_body('select * from final', before) }}
