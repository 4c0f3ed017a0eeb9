-- One row per section of a current evaluation (maps the elements of the `sections` list).

with

scorecards as (

    select
        evaluation_id,
        sections_json
    from {{ ref('int_scorecards_current') }}

),

final as (

    select
        scorecards.evaluation_id,
        cast(section.section_position as bigint) as section_position,
        {{ json_scalar('section.section_value', '$.section_ref_id') }} as section_ref_id,
        {{ json_scalar('section.section_value', '$.title') }} as section_title,
        {{ json_scalar('section.section_value', '$.weight', 'double') }} as section_weight,
        {{ json_scalar('section.section_value', '$.score_percentage', 'double') }} as section_score_percent
    from scorecards
    {{ cross_join_json_array('scorecards.sections_json', 'section', 'section_value', 'section_position') }}

)

select * from final
