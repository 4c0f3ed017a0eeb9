{#-
    The evaluated call's team and queue for the evaluation marts (`scorecards`, `scorecard_sections`,
    `scorecard_answers`).

    By default, and wherever the stored current state is not split at the merge lookback: a join of the
    evaluations with every current call (`int_calls_current`).
    Split (the scale switch on Athena, or on DuckDB with `current_state_lookback_on_duckdb`): a call that started
    before the split cannot change until the next merge, and each merge stores its team, queue and start with
    every evaluation of it (`int_scorecards_deduplicated`: `call_team`, `call_queue`, `call_started_at`, written
    again for the evaluations of every call the merge changed). So the join reads only the calls after the split — the
    stored rows merged with the recent changes — and an evaluation of an older call takes the stored attributes:
    a question about evaluations no longer reads the key of every call ever made. An evaluation created since
    the last merge for a call that started before the split shows that call's team and queue from the next merge.
-#}

{#- The day the stored calls split at (a 'YYYY-MM-DD' string), or none when the evaluation marts join every call. -#}
{% macro evaluated_call_split() -%}
    {{ return(current_state_split('calls')) }}
{%- endmacro %}


{#- The body of the `calls` CTE the evaluation marts join on `call_id`: the current calls' key, team and queue. -#}
{% macro evaluated_calls(split) -%}
    {%- if split is none %}
    select
        call_id,
        team,
        queue
    from {{ ref('int_calls_current') }}
    {%- else %}
    select
        call_id,
        team,
        queue
    from (
        {{ current_state_with_recent_changes('calls', 'call_id', hot_only=true) | indent(8) }}
    ) as recent_calls
    where not is_removed
    {%- endif %}
{%- endmacro %}


{#- One attribute (`team` or `queue`) of the evaluated call: from `calls`, or stored with the evaluation. -#}
{% macro evaluated_call_attribute(split, evaluations, column) -%}
    {%- if split is none -%}
        calls.{{ column }}
    {%- else -%}
        case
            when calls.call_id is not null then calls.{{ column }}
            when {{ evaluations }}.call_started_at < cast('{{ split }}' as {{ type_timestamp() }})
                then {{ evaluations }}.call_{{ column }}
        end
    {%- endif -%}
{%- endmacro %}
