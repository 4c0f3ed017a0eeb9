{#-
    Configuration of the models that hold the current state of a source table (`int_<table>_deduplicated`).

    Off (var `materialize_current_state: false`, the default): a view, so every question reads the raw
    change log and sees each change as soon as it lands.
    On: an incremental table that merges only the changes ingested since the last run.
      - Athena: Iceberg, `merge` on the key, partitioned by day of `partition_column`; the merge touches only
        target partitions newer than `current_state_merge_lookback_days` (a target-side predicate, so Athena
        prunes the rest), then `optimize … bin_pack` and `vacuum` compact the table.
      - DuckDB: `delete+insert` on the key.
-#}
{% macro current_state_config(unique_key, partition_column) -%}
    {%- if not var('materialize_current_state') -%}
        {{ return({'materialized': 'view'}) }}
    {%- endif -%}
    {%- set settings = {
        'materialized': 'incremental',
        'unique_key': unique_key,
        'on_schema_change': 'append_new_columns',
    } -%}
    {%- if target.type == 'athena' -%}
        {%- do settings.update({
            'table_type': 'iceberg',
            'incremental_strategy': 'merge',
            'partitioned_by': ['day(' ~ partition_column ~ ')'],
            'incremental_predicates': [
                'target.' ~ partition_column ~ " >= date_add('day', -"
                ~ var('current_state_merge_lookback_days') ~ ', current_timestamp)'
            ],
            'post_hook': [
                'optimize {{ this.render_pure() }} rewrite data using bin_pack',
                'vacuum {{ this.render_pure() }}',
            ],
        }) -%}
    {%- else -%}
        {%- do settings.update({'incremental_strategy': 'delete+insert'}) -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}



{#-
    With the scale switch on and the table already built (the switch is checked before `is_incremental()`, so
    the default, views, never looks the relation up and compiles without a connection): a `where` clause keeping the changes ingested since
    the last merge (minus `current_state_reprocess_minutes`, re-read harmlessly). Otherwise nothing.
-#}
{% macro changes_since_last_merge() -%}
    {%- if var('materialize_current_state') and is_incremental() -%}
        where ingested_at >= (
            select {{ minutes_before('max(ingested_at)', var('current_state_reprocess_minutes')) }} from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}


{#-
    The body of a current-state model: the latest change of each `key` among the new changes of `staging_model`
    (and, with the scale switch on, the stored latest change of every key they touch, so an older change
    arriving late cannot replace it). Changes are ordered by event time, then stream sequence number (snapshots
    sort before any later stream event of the same instant), then event id; a removal wins like any other change
    and stays as a tombstone (`is_removed`). Delivering a change twice, or out of order, changes nothing.
-#}
{% macro latest_change_per_key(staging_model, key, columns) -%}
with

changes as (

    select {{ columns | join(', ') }}
    from {{ ref(staging_model) }}
    {{ changes_since_last_merge() }}

),

stored_state as (

    select {{ columns | join(', ') }}
    {%- if var('materialize_current_state') and is_incremental() %}
    from {{ this }}
    where {{ key }} in (select changes.{{ key }} from changes)
    {%- else %}
    from changes
    where false
    {%- endif %}

),

candidates as (

    select * from changes
    union all
    select * from stored_state

),

ranked as (

    select
        candidates.*,
        row_number() over (
            partition by {{ key }}
            order by event_at desc, sequence_number desc, event_id desc, ingested_at desc
        ) as change_rank
    from candidates
    where {{ key }} is not null

),

final as (

    select {{ columns | join(', ') }}
    from ranked
    where change_rank = 1

)

select * from final
{%- endmacro %}
