-- One row per Call Analytics category matched on a current call (the `categories` string set).

with

calls as (

    select
        call_id,
        categories_json
    from {{ ref('int_calls_current') }}

),

final as (

    select
        calls.call_id,
        {{ json_scalar('matched.category_value', '$') }} as category
    from calls
    {{ cross_join_json_array('calls.categories_json', 'matched', 'category_value', 'category_position') }}

)

select distinct
    call_id,
    category
from final
where category is not null
