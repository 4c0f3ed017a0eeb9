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
