-- One row per day from 2020 to 2035: the daily time spine dbt's semantic layer (MetricFlow) needs.

with

days as (

    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
