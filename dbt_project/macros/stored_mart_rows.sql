{#-
    Stored mart rows: where the stored current state is split at the merge lookback (the scale switch on Athena;
    on DuckDB with `current_state_lookback_on_duckdb`), the rows a mart derives from items older than the split
    cannot change until the next merge (the merge leaves those items alone, and the marts read no recent change
    of them). So each build stores them once, typed and already unnested or joined (`int_<mart>_stored`,
    partitioned by day of the item's start), and the mart — still a view — reads those stored rows for the
    items before the split and computes only the rows of the items after it from the current state plus the
    recent changes. A question about answers, sections, insights or categories then reads the typed columns it
    uses, never the JSON lists or the keys of every evaluation and call ever made. The rows of an evaluation
    older than the split carry its call's team and queue as the last merge stored them (`evaluated_call`).
-#}

{#- Whether this build stores mart rows (decided when the project is parsed: the stored models exist only then). -#}
{% macro stores_mart_rows() -%}
    {{ return(var('materialize_current_state') and current_state_splits_at_lookback()) }}
{%- endmacro %}


{#- The day (a 'YYYY-MM-DD' string) the stored state of `table` splits at, or none when it is not split (or
    cannot be read, e.g. compiling offline): the marts then compute every row. -#}
{% macro current_state_split(table) -%}
    {%- if not var('materialize_current_state') or not current_state_splits_at_lookback() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set deduplicated = ref('int_' ~ table ~ '_deduplicated') -%}
    {%- set bounds = recent_changes_bounds(deduplicated) if execute is defined and execute else none -%}
    {{ return(bounds.hot_from if bounds is not none else none) }}
{%- endmacro %}


{#-
    The current rows of `table` a mart's rows are computed from, as a relation or a subquery:
    'all', every current item (`int_<table>_current`); 'recent', the items after the split (the stored rows
    merged with the recent changes, `current_state_with_recent_changes(hot_only=true)`); 'stored', the stored
    items before the split `before` (what `int_<table>_current` passes through unchanged).
-#}
{% macro current_rows(table, part, before=none) -%}
    {%- set keys = {'calls': 'call_id', 'scorecards': 'evaluation_id'} -%}
    {%- if part == 'all' -%}
    {{ ref('int_' ~ table ~ '_current') }}
    {%- elif part == 'recent' -%}
    (
        select * from (
            {%- if table == 'scorecards' %}
            {{ current_state_with_recent_changes(
                'scorecards', 'evaluation_id', hot_only=true,
                carried=['call_team', 'call_queue', 'call_started_at'], carried_while='call_id'
            ) | indent(12) }}
            {%- else %}
            {{ current_state_with_recent_changes(table, keys[table], hot_only=true) | indent(12) }}
            {%- endif %}
        ) as recent_changes_{{ table }}
        where not is_removed
    ) as recent_{{ table }}
    {%- elif part == 'stored' -%}
    (
        select * from {{ ref('int_' ~ table ~ '_deduplicated') }}
        where
            not is_removed
            {%- if before is not none %}
            and started_at < cast('{{ before }}' as {{ type_timestamp() }})
            {%- endif %}
    ) as stored_{{ table }}
    {%- else -%}
    {{ exceptions.raise_compiler_error('current_rows: unknown part ' ~ part) }}
    {%- endif -%}
{%- endmacro %}


{#- Config of an `int_<mart>_stored` model: a table rebuilt by each build, only where mart rows are stored;
    partitioned by day of `started_at` unless it holds aggregates (`partitioned=false`). -#}
{% macro stored_mart_rows_config(partitioned=true) -%}
    {#- (the condition of `stores_mart_rows`, spelled out: the SQL linter's Jinja returns from nested macros badly) -#}
    {%- set enabled = var('materialize_current_state')
        and (target.type == 'athena' or var('current_state_lookback_on_duckdb', false)) -%}
    {%- set settings = {'enabled': enabled, 'materialized': 'table'} -%}
    {%- if target.type == 'athena' -%}
        {%- do settings.update({'table_type': 'iceberg'}) -%}
        {%- if partitioned -%}
            {%- do settings.update({'partitioned_by': ['day(started_at)']}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}


{#-
    A mart's body where mart rows are stored: the rows computed from the items after the split (`recent_rows`,
    the mart's own SQL over `current_rows(..., 'recent')`) and the stored rows of the items before it, both
    with the mart's contract columns in their order.
-#}
{% macro with_stored_mart_rows(recent_rows, stored_model, split) -%}
    {%- set columns = model.columns.keys() | list if model is defined and model.columns else [] -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error('with_stored_mart_rows: the mart declares no columns') }}
    {%- endif %}
with

recent_rows as (

    {{ recent_rows | indent(4) }}

),

stored_rows as (

    select {{ columns | join(', ') }}
    from {{ ref(stored_model) }}
    where started_at < cast('{{ split }}' as {{ type_timestamp() }})

),

both_parts as (

    {#- each part's first column a literal: where a question reads no column (a count), no engine reads one -#}
    select 'recent' as rows_from, {{ columns | join(', ') }} from recent_rows
    union all
    select 'stored' as rows_from, {{ columns | join(', ') }} from stored_rows

)

select {{ columns | join(', ') }} from both_parts
{%- endmacro %}


{#-
    The split a mart reads its stored rows at: the current split of `table`, when `stored_model` holds the rows
    of exactly that split (each build rebuilds both; a mart rebuilt alone after a merge moved the split would
    otherwise miss or repeat rows). None otherwise, and the mart computes every row.
-#}
{% macro stored_rows_split(table, stored_model) -%}
    {%- set split = current_state_split(table) -%}
    {%- if split is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = ref(stored_model) -%}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select max(stored_before) from ' ~ relation).rows -%}
    {%- set stored = (rows[0][0] ~ '')[:10] if rows | length > 0 and rows[0][0] is not none else none -%}
    {%- if stored != split -%}
        {%- do log(model.name ~ ': ' ~ stored_model ~ ' holds the rows before ' ~ stored ~ ', not ' ~ split
            ~ '; every row is computed until it is rebuilt', info=true) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(split) }}
{%- endmacro %}


{#- The body of an `int_<mart>_stored` model: the mart's rows of the items before `before`, each with that split
    (`stored_before`, checked by `stored_rows_split`). -#}
{% macro stored_mart_rows_body(rows_sql, before) -%}
select
    stored_rows.*,
    cast({{ "'" ~ before ~ "'" if before is not none else 'null' }} as varchar) as stored_before
from (
    {{ rows_sql | indent(4) }}
) as stored_rows
{%- endmacro %}
