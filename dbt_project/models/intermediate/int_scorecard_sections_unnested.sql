-- One row per section of a current evaluation.
{%- set section_fields = [
    'section_ref_id', 'title', 'weight', 'score_percentage',
] %}

with

parents as (

    select
        evaluation_id,
        section_list
    from {{ ref('int_scorecards_current') }}

),

unnested as (

    {{ unnest_list('parents', ['evaluation_id'], 'section_list', 'section', 'section_position', section_fields) }}

),

final as (

    select
        unnested.evaluation_id,
        cast(unnested.section_position as bigint) as section_position,
        {{ unnested_field('unnested', 'section', 'section_ref_id') }} as section_ref_id,
        {{ unnested_field('unnested', 'section', 'title') }} as section_title,
        {{ unnested_field('unnested', 'section', 'weight') }} as section_weight,
        {{ unnested_field('unnested', 'section', 'score_percentage') }} as section_score_percent
    from unnested

)

select * from final
