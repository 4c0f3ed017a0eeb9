-- One row per Call Analytics category matched on a current call (the `categories` string set).

with

calls as (

    select
        call_id,
        category_list
    from {{ ref('int_calls_current') }}

),

unnested as (

    {{ unnest_list('calls', ['call_id'], 'category_list', 'category', 'category_position') }}

)

select distinct
    call_id,
    category
from unnested
where category is not null
