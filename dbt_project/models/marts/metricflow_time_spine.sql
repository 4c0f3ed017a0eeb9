-- One row per day from 2020-01-01 to 2035-12-31: the daily time spine dbt's semantic layer (MetricFlow) needs.
-- Built from digits (no query at compile time, so it compiles offline for Athena).

with

digits as (

    select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

day_numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

final as (

    select cast({{ dbt.dateadd('day', 'day_number', "cast('2020-01-01' as date)") }} as date) as date_day
    from day_numbers
    where day_number < 5844

)

select * from final
