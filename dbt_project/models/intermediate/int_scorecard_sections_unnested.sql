-- One row per section of a current evaluation.

{{ scorecard_sections_unnested(ref('int_scorecards_current')) }}
