-- One row per Call Analytics category matched on a current call (the `categories` string set), with the call's
-- attributes analysts group categories by, taken from the same current row (no join back to the calls).
{%- set call_columns = [
    'started_at', 'direction', 'agent_id', 'team', 'queue', 'sentiment_agent', 'sentiment_customer',
] %}

with

calls as (

    select
        call_id,
        {{ call_columns | join(', ') }},
        -- a string set holds each category once; distinct in the list, so no row-level distinct reads the key
        {{ array_distinct('category_list') }} as category_list
    from {{ ref('int_calls_current') }}

),

unnested as (

    {{ unnest_list('calls', ['call_id'] + call_columns, 'category_list', 'category', 'category_position') }}

)

select
    call_id,
    category,
    {{ call_columns | join(',\n    ') }}
from unnested
where category is not null
