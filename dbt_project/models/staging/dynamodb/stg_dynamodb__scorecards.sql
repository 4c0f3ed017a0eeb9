{#-
    One row per change to an item of the `scorecards` table (QA evaluations shaped after Amazon Connect
    Contact Lens), with the item's attributes as typed columns. The one place that knows the shape of a
    `scorecards` item: adapt the `path` of a field below to a different table and keep the column names.
-#}
{%- set scorecard_fields = [
    {'name': 'call_id', 'path': '$.call_id', 'kind': 'varchar'},
    {'name': 'agent_id', 'path': '$.agent_id', 'kind': 'varchar'},
    {'name': 'evaluator', 'path': '$.evaluator', 'kind': 'varchar'},
    {'name': 'evaluation_source', 'path': '$.evaluation_source', 'kind': 'varchar'},
    {'name': 'form_id', 'path': '$.form_id', 'kind': 'varchar'},
    {'name': 'form_title', 'path': '$.form_title', 'kind': 'varchar'},
    {'name': 'form_version', 'path': '$.form_version', 'kind': 'bigint'},
    {'name': 'evaluation_status', 'path': '$.status', 'kind': 'varchar'},
    {'name': 'started_at', 'path': '$.started_at', 'kind': 'timestamp'},
    {'name': 'submitted_at', 'path': '$.submitted_at', 'kind': 'timestamp'},
    {'name': 'score_percent', 'path': '$.score.percentage', 'kind': 'double'},
    {'name': 'is_automatic_fail', 'path': '$.score.automatic_fail', 'kind': 'boolean'},
    {'name': 'is_not_applicable', 'path': '$.score.not_applicable', 'kind': 'boolean'},
    {'name': 'section_list', 'path': '$.sections', 'kind': 'struct_array', 'fields': [
        {'name': 'section_ref_id', 'kind': 'varchar'},
        {'name': 'title', 'kind': 'varchar'},
        {'name': 'weight', 'kind': 'double'},
        {'name': 'score_percentage', 'kind': 'double'},
    ]},
    {'name': 'question_list', 'path': '$.questions', 'kind': 'struct_array', 'fields': [
        {'name': 'question_ref_id', 'kind': 'varchar'},
        {'name': 'section_ref_id', 'kind': 'varchar'},
        {'name': 'question_type', 'kind': 'varchar'},
        {'name': 'text', 'kind': 'varchar'},
        {'name': 'weight', 'kind': 'double'},
        {'name': 'answer_value', 'kind': 'varchar'},
        {'name': 'answer_ref_id', 'kind': 'varchar'},
        {'name': 'score_percentage', 'kind': 'double'},
        {'name': 'not_applicable', 'kind': 'boolean'},
        {'name': 'automatic_fail', 'kind': 'boolean'},
        {'name': 'notes', 'kind': 'varchar'},
    ]},
    {'name': 'updated_at', 'path': '$.updated_at', 'kind': 'timestamp'},
] -%}

with

source as (

    select * from {{ source('post_call_analytics_raw', 'scorecards') }}

),

changes as (

    select
        event_id,
        event_name,
        event_source,
        cast(event_at as {{ type_timestamp() }}) as event_at,
        sequence_number,
        cast(ingested_at as {{ type_timestamp() }}) as ingested_at,
        -- the partition (day of event_at): a filter on it prunes the change log's folders
        dt,
        {{ json_scalar('keys', '$.evaluation_id') }} as evaluation_id,
        event_name = 'REMOVE' as is_removed,
        -- a removal carries the item as it was (old image) when the stream has it
        coalesce(new_image, old_image) as item_image
    from source

),

parsed as (

    select
        changes.*,
        {{ parse_json_fields('item_image', scorecard_fields) }} as item_values
    from changes

),

typed as (

    select
        evaluation_id,
        event_id,
        event_name,
        event_source,
        event_at,
        sequence_number,
        ingested_at,
        dt,
        is_removed,
        {{ json_field_columns('item_values', scorecard_fields) | indent(8) }}
    from parsed

),

final as (

    select
        typed.*,
        -- counted once per change, so the marts never unnest the list to count it
        cast(coalesce({{ array_size('question_list') }}, 0) as bigint) as question_count,
        {{ array_count_where('question_list', 'automatic_fail') }} as automatic_fail_question_count
    from typed

)

select * from final
