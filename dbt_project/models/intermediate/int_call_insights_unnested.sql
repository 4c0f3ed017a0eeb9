-- One row per insight (issue, outcome or action item) of a current call, with the call's attributes analysts
-- group insights by, taken from the same current row (no join back to the calls).

{{ call_insights_unnested(ref('int_calls_current')) }}
