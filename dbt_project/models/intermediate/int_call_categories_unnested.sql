-- One row per Call Analytics category matched on a current call (the `categories` string set), with the call's
-- attributes analysts group categories by, taken from the same current row (no join back to the calls).

{{ call_categories_unnested(ref('int_calls_current')) }}
