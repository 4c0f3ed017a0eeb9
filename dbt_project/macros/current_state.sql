{#- The order that puts the latest change of a key first (the rule of the `current_state` doc block). -#}
{% macro latest_change_first() -%}
    event_at desc, sequence_number desc, event_id desc, ingested_at desc
{%- endmacro %}


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
    the last merge (minus `current_state_reprocess_minutes`, re-read harmlessly), as a literal the build reads
    from the table (a subquery when it cannot be read, e.g. compiling offline). Otherwise nothing.
-#}
{% macro changes_since_last_merge() -%}
    {%- if var('materialize_current_state') and is_incremental() -%}
        {%- set bounds = recent_changes_bounds(this) if execute is defined and execute else none -%}
        {%- if bounds is not none %}
        {#- a literal: Athena skips every older file by its ingested_at statistics instead of reading the log #}
        where ingested_at >= cast('{{ bounds.changes_from }}' as {{ type_timestamp() }})
        {%- else %}
        where ingested_at >= (
            select {{ minutes_before('max(ingested_at)', var('current_state_reprocess_minutes')) }} from {{ this }}
        )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#-
    The body of a current-state model: the latest change of each `key` among the new changes of `staging_model`
    (and, with the scale switch on, the stored latest change of every key they touch, so an older change
    arriving late cannot replace it). Changes are ordered by event time, then stream sequence number (snapshots
    sort before any later stream event of the same instant), then event id; a removal wins like any other change
    and stays as a tombstone (`is_removed`). Delivering a change twice, or out of order, changes nothing.
    `also_restore`: a condition on stored rows that are written again unchanged by each merge (e.g. so that the
    attributes a model adds to the latest change are computed again).
-#}
{% macro latest_change_per_key(staging_model, key, columns, also_restore=none) -%}
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
    {%- if also_restore %}
        or {{ also_restore }}
    {%- endif %}
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
            order by {{ latest_change_first() }}
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




{#-
    The freshness watermark of a stored current-state table (scale switch on), read when the build creates the
    view that uses it, so the view holds it as literals: `changes_from`, the newest merged change's ingestion
    time minus `current_state_reprocess_minutes` (the changes a merge may not have seen yet start there), and
    `first_partition`, the earliest `dt` such a change can sit in (a change's event time precedes its ingestion
    by at most `current_state_max_event_lag_hours`). None when the table is empty or cannot be read (an offline
    compile): the view then reads every change.
-#}
{% macro recent_changes_bounds(relation) -%}
    {#- (`is not defined`: the SQL linter renders the models without dbt's context) -#}
    {%- if execute is not defined or not execute or flags is not defined or not flags.INTROSPECT
        or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set reprocess = var('current_state_reprocess_minutes') | int -%}
    {%- set lag = var('current_state_max_event_lag_hours') | int -%}
    {%- set lookback = var('current_state_merge_lookback_days') | int -%}
    {%- set watermark_sql -%}
        select
            cast({{ minutes_before('max(ingested_at)', reprocess) }} as varchar) as changes_from,
            cast(cast({{ minutes_before('max(ingested_at)', reprocess + 60 * lag) }} as date) as varchar)
                as first_partition,
            cast(cast({{ minutes_before('max(ingested_at)', 1440 * lookback) }} as date) as varchar) as hot_from
        from {{ relation }}
    {%- endset -%}
    {%- set rows = run_query(watermark_sql).rows -%}
    {%- if rows | length == 0 or rows[0][0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({
        'changes_from': rows[0][0] ~ '',
        'first_partition': (rows[0][1] ~ '')[:10],
        'hot_from': (rows[0][2] ~ '')[:10],
    }) }}
{%- endmacro %}


{#- Whether the stored state is split at the merge lookback (Athena; DuckDB with `current_state_lookback_on_duckdb`):
    the rows before it pass through as stored. -#}
{% macro current_state_splits_at_lookback() -%}
    {{ return(target.type == 'athena' or var('current_state_lookback_on_duckdb', false)) }}
{%- endmacro %}


{#-
    The body of `int_<table>_current` before removals are dropped: the latest change of each key.
    Off: the deduplicated view over the whole change log.
    On: the stored current state joined (full outer, on the key) with the latest recent change of each key; the
    recent change wins when it is later by the same rule (`latest_change_first`), so the answer equals a read of
    the whole log. One scan of the stored state reads the key, the ordering columns and the columns a question
    uses. The recent changes are read with literal bounds (`recent_changes_bounds`): `dt` prunes the change
    log's partitions (partition projection on Athena, hive partitions on DuckDB) and `ingested_at` its row
    groups, so a question scans the stored state plus about one schedule interval of changes, and still sees a
    change that landed a minute ago.
    Where the merge only touches the last `current_state_merge_lookback_days` of `partition_column` (Athena; on
    DuckDB with `current_state_lookback_on_duckdb`), stored rows older than that before the watermark pass
    through as stored: Iceberg prunes them from the join, so a question reads the key and ordering columns of
    the recent partitions only. A change to such an old item is left out here, as the merge leaves it out of
    its lookback (see the `current_state` doc: `--full-refresh` applies it).
    `carried`: columns only the stored state has (e.g. the evaluated call's attributes the merge adds); a row a
    recent change replaces keeps them while `carried_while` is unchanged, else they are null. `hot_only`: with
    that split, only the rows after it (the stored rows merged with the recent changes), without the old ones.
-#}
{% macro current_state_with_recent_changes(table, key, partition_column='started_at', carried=[], carried_while=none, hot_only=false) -%}
    {%- set deduplicated = ref('int_' ~ table ~ '_deduplicated') -%}
    {%- if not var('materialize_current_state') -%}
    select * from {{ deduplicated }}
    {%- else -%}
    {%- set columns = (current_state_columns(table) | trim).split(',') -%}
    {#- the result's first column is the removal flag: where a question reads no column of the rows before the
        split (a count), DuckDB still reads a union branch's first column, and this one costs next to nothing
        (Trino reads none) -#}
    {%- set listed = ['is_removed'] + (columns | reject('equalto', 'is_removed') | list) -%}
    {%- set bounds = recent_changes_bounds(deduplicated) if execute is defined and execute else none -%}
    {#- where the merge has a lookback (Athena), rows older than it pass through without their key being read -#}
    {%- set split = bounds is not none and current_state_splits_at_lookback() -%}
    {%- set hot = partition_column ~ " >= cast('" ~ (bounds.hot_from if split else '') ~ "' as "
        ~ type_timestamp() ~ ")" %}
    with

    recent_changes as (

        select
            {{ columns | join(', ') }},
            row_number() over (partition by {{ key }} order by {{ latest_change_first() }}) as change_rank
        from {{ ref('stg_dynamodb__' ~ table) }}
        where
            {{ key }} is not null
            {%- if bounds is not none %}
            and dt >= '{{ bounds.first_partition }}'
            and ingested_at >= cast('{{ bounds.changes_from }}' as {{ type_timestamp() }})
            {%- endif %}
            {%- if split %}
            and ({{ hot }} or {{ partition_column }} is null)
            {%- endif %}

    ),

    latest_recent as (

        select * from recent_changes
        where change_rank = 1

    ),

    compared as (

        select
            stored.*,
            latest_recent.{{ key }} as recent_{{ key }},
            {%- for column in columns if column != key %}
            latest_recent.{{ column }} as recent_{{ column }},
            {%- endfor %}
            (
                stored.{{ key }} is null
                or latest_recent.{{ key }} is not null and (
                    latest_recent.event_at > stored.event_at
                    or latest_recent.event_at = stored.event_at and (
                        latest_recent.sequence_number > stored.sequence_number
                        or latest_recent.sequence_number = stored.sequence_number and (
                            latest_recent.event_id > stored.event_id
                            or latest_recent.event_id = stored.event_id
                            and latest_recent.ingested_at >= stored.ingested_at
                        )
                    )
                )
            ) as recent_wins
        from (
            select * from {{ deduplicated }}
            {%- if split %}
            where {{ hot }} or {{ partition_column }} is null
            {%- endif %}
        ) as stored
        full outer join latest_recent on stored.{{ key }} = latest_recent.{{ key }}

    ),

    final as (

        select
            {%- for column in listed %}
            case when recent_wins then recent_{{ column }} else {{ column }} end as {{ column }}
            {{- ',' if not loop.last or carried }}
            {%- endfor %}
            {%- for column in carried %}
            case when recent_wins and recent_{{ carried_while }} is distinct from {{ carried_while }} then null
                else {{ column }} end as {{ column }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from compared
        {%- if split and not hot_only %}
        union all
        select {{ (listed + carried) | join(', ') }}
        from {{ deduplicated }}
        where not ({{ hot }})
        {%- endif %}

    )

    select * from final
    {%- endif %}
{%- endmacro %}
