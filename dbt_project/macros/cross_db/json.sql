{#-
    JSON helpers. The raw change log stores each DynamoDB item image as plain JSON text.

    A staging model describes the attributes it reads as a list of fields, each a dict
    `{name, path, kind}` with `kind` one of varchar, bigint, double, boolean, timestamp (ISO-8601 text),
    json (the value kept as JSON text), varchar_array (a list of strings), or struct_array with `fields`
    (a list of objects, each a `{name, kind}` list; typed so later models unnest it without JSON). Then:

        parsed as (select *, {{ parse_json_fields('item_image', fields) }} as item_values from changes)
        select {{ json_field_columns('item_values', fields) }} from parsed

    parses each document once (DuckDB extracts every path in one pass into a list; Athena parses the text
    into a JSON value once) and casts each field safely: a value of the wrong type becomes null.
-#}

{% macro parse_json_fields(json_text, fields) -%}
    {{ return(adapter.dispatch('parse_json_fields', 'post_call_analytics')(json_text, fields)) }}
{%- endmacro %}

{% macro default__parse_json_fields(json_text, fields) -%}
    json_extract_string({{ json_text }}, [
        {%- for field in fields %}'{{ field.path }}'{{ ", " if not loop.last }}{% endfor -%}
    ])
{%- endmacro %}

{% macro athena__parse_json_fields(json_text, fields) -%}
    try(json_parse({{ json_text }}))
{%- endmacro %}


{% macro json_field_columns(parsed, fields) -%}
    {%- for field in fields %}
    {{ json_field(parsed, fields, field) }} as {{ field.name }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- One field of a document parsed by `parse_json_fields`, cast to its kind. -#}
{% macro json_field(parsed, fields, field) -%}
    {{ return(adapter.dispatch('json_field', 'post_call_analytics')(parsed, fields, field)) }}
{%- endmacro %}

{% macro default__json_field(parsed, fields, field) -%}
    {%- set position = fields.index(field) + 1 -%}
    {%- if field.kind in ('varchar_array', 'struct_array') -%}
        from_json({{ parsed }}[{{ position }}], '{{ array_type(field) }}')
    {%- else -%}
        {{ cast_json_text(parsed ~ '[' ~ position ~ ']', field.kind) }}
    {%- endif -%}
{%- endmacro %}


{#- The engine's type for a list field: `varchar[]` / `array(varchar)`, or a list of structs / rows. -#}
{% macro array_type(field) -%}
    {{ return(adapter.dispatch('array_type', 'post_call_analytics')(field)) }}
{%- endmacro %}

{% macro default__array_type(field) -%}
    {#- DuckDB: the JSON structure that from_json casts to (values that do not fit become null) -#}
    {%- if field.kind == 'varchar_array' -%}
        ["VARCHAR"]
    {%- else -%}
        [{ {%- for element in field.fields -%}
            "{{ element.name }}": "{{ element.kind | upper }}"{{ ", " if not loop.last }}
        {%- endfor -%} }]
    {%- endif -%}
{%- endmacro %}

{% macro athena__array_type(field) -%}
    {%- if field.kind == 'varchar_array' -%}
        array(varchar)
    {%- else -%}
        array(row(
            {%- for element in field.fields -%}
                {{ element.name }} {{ element.kind }}{{ ", " if not loop.last }}
            {%- endfor -%}
        ))
    {%- endif -%}
{%- endmacro %}

{% macro athena__json_field(parsed, fields, field) -%}
    {%- if field.kind in ('varchar_array', 'struct_array') -%}
        try_cast(json_extract({{ parsed }}, '{{ field.path }}') as {{ array_type(field) }})
    {%- elif field.kind == 'json' -%}
        nullif(json_format(json_extract({{ parsed }}, '{{ field.path }}')), 'null')
    {%- else -%}
        {{ cast_json_text("json_extract_scalar(" ~ parsed ~ ", '" ~ field.path ~ "')", field.kind) }}
    {%- endif -%}
{%- endmacro %}


{#- A scalar at `path` in a JSON document (text or JSON value), cast to `kind`. -#}
{% macro json_scalar(json_value, path, kind='varchar') -%}
    {{ return(adapter.dispatch('json_scalar', 'post_call_analytics')(json_value, path, kind)) }}
{%- endmacro %}

{% macro default__json_scalar(json_value, path, kind='varchar') -%}
    {{ cast_json_text("json_extract_string(" ~ json_value ~ ", '" ~ path ~ "')", kind) }}
{%- endmacro %}

{% macro athena__json_scalar(json_value, path, kind='varchar') -%}
    {{ cast_json_text("json_extract_scalar(" ~ json_value ~ ", '" ~ path ~ "')", kind) }}
{%- endmacro %}


{#- Text taken from a JSON scalar, cast to a field kind (engine-neutral: the casts are the same). -#}
{% macro cast_json_text(text, kind) -%}
    {%- if kind in ('varchar', 'json') -%}
        {{ text }}
    {%- elif kind == 'timestamp' -%}
        {{ iso_timestamp(text) }}
    {%- else -%}
        {{ safe_cast(text, kind) }}
    {%- endif -%}
{%- endmacro %}


{#- Number of elements of a JSON array held as text (null when the text is null). -#}
{% macro json_array_size(json_text) -%}
    {{ return(adapter.dispatch('json_array_size', 'post_call_analytics')(json_text)) }}
{%- endmacro %}

{% macro default__json_array_size(json_text) -%}
    json_array_length({{ json_text }})
{%- endmacro %}

{% macro athena__json_array_size(json_text) -%}
    json_array_length(json_parse({{ json_text }}))
{%- endmacro %}


{#- Number of elements of a list (null when the list is null). -#}
{% macro array_size(array) -%}
    {{ return(adapter.dispatch('array_size', 'post_call_analytics')(array)) }}
{%- endmacro %}

{% macro default__array_size(array) -%}
    cardinality({{ array }})
{%- endmacro %}


{#-
    Number of elements of a list of structs whose `field` equals `value` (is true when `value` is none); 0 when
    the list is null. Stored with each change, so a mart counts a call's insights or an evaluation's questions
    without unnesting the list at query time.
-#}
{% macro array_count_where(array, field, value=none) -%}
    {{ return(adapter.dispatch('array_count_where', 'post_call_analytics')(array, field, value)) }}
{%- endmacro %}

{% macro default__array_count_where(array, field, value) -%}
    cast(coalesce(len(list_filter({{ array }}, lambda element: element.{{ field }}
        {%- if value is not none %} = {{ value }}{% endif %})), 0) as bigint)
{%- endmacro %}

{% macro athena__array_count_where(array, field, value) -%}
    cast(coalesce(cardinality(filter({{ array }}, element -> element.{{ field }}
        {%- if value is not none %} = {{ value }}{% endif %})), 0) as bigint)
{%- endmacro %}


{#- The distinct elements of a list (order unspecified; DuckDB also drops nulls, so filter nulls after it). -#}
{% macro array_distinct(array) -%}
    {{ return(adapter.dispatch('array_distinct', 'post_call_analytics')(array)) }}
{%- endmacro %}

{% macro default__array_distinct(array) -%}
    list_distinct({{ array }})
{%- endmacro %}

{% macro athena__array_distinct(array) -%}
    array_distinct({{ array }})
{%- endmacro %}


{#- A list of strings joined into one string (null when the list is null). -#}
{% macro array_join_strings(array, separator) -%}
    {{ return(adapter.dispatch('array_join_strings', 'post_call_analytics')(array, separator)) }}
{%- endmacro %}

{% macro default__array_join_strings(array, separator) -%}
    array_to_string({{ array }}, '{{ separator }}')
{%- endmacro %}

{% macro athena__array_join_strings(array, separator) -%}
    array_join({{ array }}, '{{ separator }}')
{%- endmacro %}


{#-
    A select that turns each element of `list_column` of `relation` into a row: the `keys`, the element as
    `element` and its 1-based `position`. For a list of structs pass `fields`, the names of the struct's
    fields in their order, and read each field with `unnested_field(alias, element, name)` (DuckDB yields one
    struct column, Athena one column per field). Rows whose list is null or empty produce no rows.
    DuckDB unnests in the select list (a lateral join there is far slower); Athena cross joins UNNEST.
-#}
{% macro unnest_list(relation, keys, list_column, element, position, fields=none) -%}
    {{ return(adapter.dispatch('unnest_list', 'post_call_analytics')(relation, keys, list_column, element, position, fields)) }}
{%- endmacro %}

{% macro default__unnest_list(relation, keys, list_column, element, position, fields) -%}
    select
        {% for key in keys %}{{ key }}, {% endfor %}
        unnest({{ list_column }}) as {{ element }},
        generate_subscripts({{ list_column }}, 1) as {{ position }}
    from {{ relation }}
{%- endmacro %}

{% macro athena__unnest_list(relation, keys, list_column, element, position, fields) -%}
    select
        {% for key in keys %}{{ relation }}.{{ key }}, {% endfor %}
        {%- if fields is none %}
        unnested.{{ element }},
        {%- else %}
        {%- for name in fields %}
        unnested.{{ name }},
        {%- endfor %}
        {%- endif %}
        unnested.{{ position }}
    from {{ relation }}
    cross join unnest({{ list_column }}) with ordinality as unnested (
        {%- if fields is none %}{{ element }}{% else %}{{ fields | join(', ') }}{% endif %}, {{ position }})
{%- endmacro %}


{% macro unnested_field(alias, element, name) -%}
    {{ return(adapter.dispatch('unnested_field', 'post_call_analytics')(alias, element, name)) }}
{%- endmacro %}

{% macro default__unnested_field(alias, element, name) -%}
    {{ alias }}.{{ element }}.{{ name }}
{%- endmacro %}

{% macro athena__unnested_field(alias, element, name) -%}
    {{ alias }}.{{ name }}
{%- endmacro %}


{#-
    One field of the first struct in a list whose `match_field` equals `value`; null when none matches or the
    list is null. Read from the same row, so a column that never asks for it never reads the list.
-#}
{% macro array_find_field(array, match_field, value, field) -%}
    {{ return(adapter.dispatch('array_find_field', 'post_call_analytics')(array, match_field, value, field)) }}
{%- endmacro %}

{% macro default__array_find_field(array, match_field, value, field) -%}
    list_filter({{ array }}, lambda element: element.{{ match_field }} = {{ value }})[1].{{ field }}
{%- endmacro %}

{% macro athena__array_find_field(array, match_field, value, field) -%}
    element_at(filter({{ array }}, element -> element.{{ match_field }} = {{ value }}), 1).{{ field }}
{%- endmacro %}
