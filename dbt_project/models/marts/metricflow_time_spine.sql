-- One row per day from 2020-01-01 to 2035-12-31: the daily time spine dbt's semantic layer (MetricFlow) needs.
-- Built from digits (no query at compile time, so it compiles offline for Athena and lints without a warehouse).

with

digits as (

    select digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digits_list (digit)

),

day_numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

final as (

    select {{ days_after("date '2020-01-01'", 'day_number') }} as date_day
    from day_numbers
    where day_number < 5844

)

select * from final
