-- One row per (call, matched category), with the call attributes analysts group categories by.

with

categories as (

    select * from {{ ref('int_call_categories_unnested') }}

),

final as (

    select
        call_id,
        category,
        cast(started_at as date) as call_date,
        started_at,
        direction,
        agent_id,
        team,
        queue,
        sentiment_agent,
        sentiment_customer
    from categories

)

select * from final
