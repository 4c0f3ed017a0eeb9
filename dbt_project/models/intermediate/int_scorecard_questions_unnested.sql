-- One row per question answered on a current evaluation, with the evaluation's own attributes and the question's
-- section title and weight taken from the same current row (no join back to the evaluations or their sections).

{{ scorecard_questions_unnested(ref('int_scorecards_current')) }}
