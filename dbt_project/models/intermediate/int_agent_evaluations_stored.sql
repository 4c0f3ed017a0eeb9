{{ config(**stored_mart_rows_config(partitioned=false)) }}

-- Per agent, the submitted evaluations among those before the split (`stored_mart_rows`), for `agents`. Rebuilt by
-- each build.
-- depends_on: {{ ref('int_scorecards_deduplicated') }} {{ ref('stg_dynamodb__scorecards') }}
{%- set before = current_state_split('scorecards') %}

with

final as (

    select
        agent_id,
        count(case when evaluation_status = 'SUBMITTED' then 1 end) as evaluation_count
    from {{ current_rows('scorecards', 'stored', before) }}
    where agent_id is not null
    group by agent_id

)

{{ stored_mart_rows_body('select * from final', before) }}
