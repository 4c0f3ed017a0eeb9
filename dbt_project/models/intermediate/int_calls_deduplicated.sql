{{ config(**current_state_config(unique_key='call_id', partition_column='started_at')) }}

{#-
    The latest change of each call: changes ordered by event time, then stream sequence number (snapshots
    carry sequence numbers that sort before any later stream event), then event id. A removal wins like any
    other change and is kept as a tombstone (`is_removed`), so a late, older change can never bring a removed
    call back; `int_calls_current` drops the tombstones. Delivering a change twice, or out of order, does not
    change the result.
-#}
{%- set columns = (current_state_columns('calls') | trim).split(',') -%}

{{ latest_change_per_key('stg_dynamodb__calls', 'call_id', columns) }}
