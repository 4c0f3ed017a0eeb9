"""The functions a query may call: a curated list of Trino (Athena engine 3) functions, and nothing else.

The guard allows a function call only when it is one of these, by name. sqlglot turns many Trino functions
into typed nodes (``approx_percentile`` → ``ApproxQuantile``) and leaves the rest as anonymous calls that
keep their name; :func:`allowed_functions` derives, from the names below, both the typed node classes and
the anonymous names to accept, by parsing a sample call of every listed function. A function outside the
list (DuckDB's ``read_csv``, ``pg_get_viewdef``, ``current_setting``, ``getenv`` …) is never accepted,
whatever sqlglot makes of it, because no Trino name on the list parses to it.

Every function is pure: it computes from its arguments (or the clock). None reads files, URLs, catalogs,
settings or the environment.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, SqlglotError

AGGREGATE = """
any_value approx_distinct approx_most_frequent approx_percentile arbitrary array_agg avg bitwise_and_agg
bitwise_or_agg bitwise_xor_agg bool_and bool_or checksum corr count count_if covar_pop covar_samp every
geometric_mean histogram kurtosis listagg map_agg map_union max max_by min min_by multimap_agg
numeric_histogram regr_intercept regr_slope skewness stddev stddev_pop stddev_samp sum var_pop var_samp
variance
"""

WINDOW = """
cume_dist dense_rank first_value lag last_value lead nth_value ntile percent_rank rank row_number
"""

MATH = """
abs acos asin atan atan2 beta_cdf bit_count bitwise_and bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor cbrt ceil ceiling cos cosh cosine_similarity degrees e exp floor from_base
greatest infinity inverse_beta_cdf inverse_normal_cdf is_finite is_infinite is_nan least ln log log10 log2
mod nan normal_cdf pi pow power radians rand random round sign sin sinh sqrt tan tanh to_base truncate
width_bucket wilson_interval_lower wilson_interval_upper
"""

STRING = """
chr codepoint concat concat_ws format format_number from_utf8 hamming_distance length levenshtein_distance
lower lpad ltrim luhn_check normalize position regexp_count regexp_extract regexp_extract_all regexp_like
regexp_position regexp_replace regexp_split replace reverse rpad rtrim soundex split split_part split_to_map
split_to_multimap starts_with strpos substr substring to_utf8 translate trim upper word_stem
"""

CONDITIONAL_AND_TYPES = """
coalesce if nullif try typeof
"""

DATE_TIME = """
at_timezone current_date current_time current_timestamp current_timezone date date_add date_diff date_format
date_parse date_trunc day day_of_month day_of_week day_of_year dow doy format_datetime from_iso8601_date
from_iso8601_timestamp from_unixtime hour human_readable_seconds last_day_of_month localtime localtimestamp
millisecond minute month now parse_datetime parse_duration quarter second timezone_hour timezone_minute
to_iso8601 to_milliseconds to_unixtime week week_of_year with_timezone year year_of_week yow
"""

ARRAY_AND_MAP = """
all_match any_match array_distinct array_except array_intersect array_join array_max array_min
array_position array_remove array_sort array_union arrays_overlap cardinality combinations contains
contains_sequence element_at filter flatten map map_concat map_entries map_filter map_from_entries map_keys
map_values map_zip_with multimap_from_entries ngrams none_match reduce repeat sequence slice transform
transform_keys transform_values trim_array zip zip_with
"""

JSON = """
is_json_scalar json_array_contains json_array_get json_array_length json_extract json_extract_scalar
json_format json_parse json_size
"""

URL_AND_BINARY = """
crc32 from_base64 from_base64url from_hex md5 sha1 sha256 sha512 to_base64 to_base64url to_hex url_decode
url_encode url_extract_fragment url_extract_host url_extract_parameter url_extract_path url_extract_port
url_extract_protocol url_extract_query xxhash64
"""

TRINO_FUNCTIONS: frozenset[str] = frozenset(
    (
        AGGREGATE
        + WINDOW
        + MATH
        + STRING
        + CONDITIONAL_AND_TYPES
        + DATE_TIME
        + ARRAY_AND_MAP
        + JSON
        + URL_AND_BINARY
    ).split()
)

# Functions written with their own syntax rather than name(args): each sample is parsed in the Athena dialect.
SYNTAX_SAMPLES = (
    "cast(a as varchar)",
    "try_cast(a as integer)",
    "case when a then b else c end",
    "case a when 1 then b end",
    "extract(year from a)",
    "position('x' in a)",
    "substring(a from 1 for 2)",
    "trim(both ' ' from a)",
    "array[1, 2]",
    "row(1, 'a')",
    "map(array['a'], array[1])",
    "a at time zone 'UTC'",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "a is distinct from b",
    "a and b or not c",
    "a = b and a <> c and a < b and a <= b and a > b and a >= b",
    "a + b - c * d / e % f",
    "a is null or a is not null",
    "exists (select 1)",
    "interval '1' day",
    "date '2026-01-01'",
    "timestamp '2026-01-01 00:00:00'",
    "count(*)",
    "count(distinct a)",
    "a in (1, 2)",
    "a between 1 and 2",
    "a like 'x%'",
    "a || b",
    "a[1]",
    "transform(a, x -> x + 1)",
    "approx_percentile(a, array[0.5, 0.9])",
    "date_trunc('month', a)",
    "date_add('day', 1, a)",
    "date_diff('day', a, b)",
    "json_extract_scalar(a, '$.b')",
    "regexp_extract(a, 'x', 1)",
    "split_part(a, ',', 1)",
    "round(a, 1)",
    "log(2, a)",
    "lag(a, 1) over (order by b)",
    "first_value(a) over (partition by b order by c)",
    "u.x from t cross join unnest(a) as u(x)",
    "u.x, u.n from t cross join unnest(a) with ordinality as u(x, n)",
)

# Nodes that carry the called name themselves: accepted only when that name is on the list.
NAMED_CALLS: tuple[type[exp.Expression], ...] = tuple(
    node
    for name in (
        "Anonymous",
        "AnonymousAggFunc",
        "CombinedAggFunc",
        "CombinedParameterizedAgg",
        "ParameterizedAgg",
    )
    if isinstance(node := getattr(exp, name, None), type)
)

_ARGUMENT_SHAPES = ("()", "(a)", "(a, b)", "(a, b, c)", "(a, b, c, d)", "(a, x -> x)", "(a, b, (x, y) -> x)")


@dataclass(frozen=True)
class AllowedFunctions:
    """What the guard accepts: typed sqlglot function classes, and names of calls sqlglot does not type."""

    classes: frozenset[type]
    names: frozenset[str]

    def allows(self, node: exp.Expression) -> bool:
        if isinstance(node, NAMED_CALLS):
            return node.name.lower() in self.names
        return type(node) in self.classes


def _calls(sql: str, dialect: Dialect) -> list[exp.Func] | None:
    try:
        tree = dialect.parse(f"select {sql}", error_level=ErrorLevel.RAISE)[0]
    except (SqlglotError, ValueError, TypeError, IndexError):
        return None
    if tree is None:
        return None
    return list(tree.find_all(exp.Func))


@functools.cache
def allowed_functions() -> AllowedFunctions:
    """The typed classes and untyped names every listed Trino function parses to (computed once)."""
    dialect = Dialect.get_or_raise("athena")
    classes: set[type] = set()
    names: set[str] = set()

    def collect(calls: list[exp.Func]) -> None:
        for call in calls:
            if isinstance(call, NAMED_CALLS):
                names.add(call.name.lower())
            else:
                classes.add(type(call))

    for name in sorted(TRINO_FUNCTIONS):
        for shape in _ARGUMENT_SHAPES:
            calls = _calls(name + shape, dialect)
            if calls is not None:
                collect(calls)
    for sample in SYNTAX_SAMPLES:
        calls = _calls(sample, dialect)
        if calls is None:  # pragma: no cover - a sample that stops parsing is a bug in the list
            raise RuntimeError(f"the function sample {sample!r} no longer parses")
        collect(calls)
    # A name the list does not hold never reaches the engine, even if a listed call parsed to it.
    names &= TRINO_FUNCTIONS
    return AllowedFunctions(frozenset(classes), frozenset(names))
