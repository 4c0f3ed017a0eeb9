-- One row per (call, matched category), with the call attributes analysts group categories by.

with

categories as (

    select * from {{ ref('int_call_categories_unnested') }}

),

calls as (

    select * from {{ ref('calls') }}

),

final as (

    select
        categories.call_id,
        categories.category,
        calls.call_date,
        calls.started_at,
        calls.direction,
        calls.agent_id,
        calls.team,
        calls.queue,
        calls.sentiment_agent,
        calls.sentiment_customer
    from categories
    inner join calls on categories.call_id = calls.call_id

)

select * from final
