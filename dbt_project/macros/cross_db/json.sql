{#-
    JSON helpers. The raw change log stores each DynamoDB item image as plain JSON text.

    A staging model describes the attributes it reads as a list of fields, each a dict
    `{name, path, kind}` with `kind` one of varchar, bigint, double, boolean, timestamp (ISO-8601 text) or
    json (the value kept as JSON text, for lists and maps that later models unnest). Then:

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
    {{ cast_json_text(parsed ~ '[' ~ position ~ ']', field.kind) }}
{%- endmacro %}

{% macro athena__json_field(parsed, fields, field) -%}
    {%- if field.kind == 'json' -%}
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


{#- A JSON array of strings held as text, joined into one string (null when the text is null). -#}
{% macro json_string_array_join(json_text, separator) -%}
    {{ return(adapter.dispatch('json_string_array_join', 'post_call_analytics')(json_text, separator)) }}
{%- endmacro %}

{% macro default__json_string_array_join(json_text, separator) -%}
    array_to_string(from_json({{ json_text }}, '["VARCHAR"]'), '{{ separator }}')
{%- endmacro %}

{% macro athena__json_string_array_join(json_text, separator) -%}
    array_join(cast(json_parse({{ json_text }}) as array(varchar)), '{{ separator }}')
{%- endmacro %}


{#-
    A `cross join` that turns each element of a JSON array held as text into a row:
    `element` (a JSON value, read with `json_scalar`) and `position` (1-based). Rows whose array is null or
    empty produce no rows.
-#}
{% macro cross_join_json_array(json_text, alias, element='element', position='position') -%}
    {{ return(adapter.dispatch('cross_join_json_array', 'post_call_analytics')(json_text, alias, element, position)) }}
{%- endmacro %}

{% macro default__cross_join_json_array(json_text, alias, element, position) -%}
    cross join unnest(cast({{ json_text }} as json[])) with ordinality as {{ alias }} ({{ element }}, {{ position }})
{%- endmacro %}

{% macro athena__cross_join_json_array(json_text, alias, element, position) -%}
    cross join unnest(cast(json_parse({{ json_text }}) as array(json))) with ordinality as {{ alias }} ({{ element }}, {{ position }})
{%- endmacro %}
