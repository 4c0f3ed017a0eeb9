"""The C record decoder (``_convert.decode_record``) against ``changelog.decode_stream_record(record, None)``.

Whenever the C fast path returns a tuple it must be the Python function's, element for element and type for type;
for every record the Python function rejects it must return None (never raise), so the caller's Python path
produces the quarantine reason.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# _convert is imported plainly, not with importorskip: `make install` always builds the extension, so a missing
# one must fail these tests rather than skip them.
from lambdas.stream_processor import _convert, changelog, convert
from lambdas.stream_processor.changelog import decode_stream_record

# Configure explicitly so these tests exercise the C code even when PCA_PURE_PYTHON_CONVERT is set (json_text
# itself needs no fallbacks, but a stray item() call must not find the module unconfigured).
_convert.configure(
    value=convert.value,
    attribute=convert._attribute,
    element=convert._element,
    number=convert.number,
    fragment=orjson.Fragment,
    item=convert.py_item,
)
c_decode = _convert.decode_record

ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/calls/stream/2026-06-30T00:00:00.000"
OTHER_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/agents/stream/2026-06-01T00:00:00.000"
KNOWN = {ARN: changelog.table_from_arn(ARN), OTHER_ARN: changelog.table_from_arn(OTHER_ARN)}


def python_outcome(record: Any) -> tuple[Any, ...]:
    """decode_stream_record(record, None) with the same known ARNs as the C side, or the error it raises."""
    changelog._KNOWN_ARNS.clear()
    changelog._KNOWN_ARNS.update(KNOWN)
    try:
        return ("ok", decode_stream_record(record, None))
    except convert.DecodeError as error:
        return ("error", str(error))


def assert_agrees(record: Any, known: dict[str, tuple[str, str]] | None = None) -> tuple[Any, ...] | None:
    """The C result is None or exactly the Python one; None whenever Python rejects the record."""
    fast = c_decode(record, KNOWN if known is None else known)
    expected = python_outcome(record)
    if fast is None:
        return None
    assert expected[0] == "ok", (expected, fast)
    decoded = expected[1]
    assert type(fast) is tuple and len(fast) == len(decoded) == 9
    for c_value, py_value in zip(fast, decoded, strict=True):
        assert type(c_value) is type(py_value), (fast, decoded)
        assert c_value == py_value, (fast, decoded)
    return fast


def test_the_extension_is_built_and_exposed() -> None:
    assert callable(_convert.decode_record)
    if convert.ACCELERATED:
        assert convert.decode_record is _convert.decode_record
    else:
        assert convert.decode_record is None


def test_the_epoch_bounds_are_changelogs() -> None:
    low, high = changelog._MIN_EPOCH_S, changelog._MAX_EPOCH_S
    for inside in (low + 1, high - 1, float(low + 1), float(high - 1), 0, 0.0):
        assert c_decode(record_with(created=inside), KNOWN) is not None, inside
    for outside in (low, high, float(low), float(high), low - 1, high + 1):
        assert c_decode(record_with(created=outside), KNOWN) is None, outside


# --- records, well-formed and not ----------------------------------------------------------------------------

KEYS = {"call_id": {"S": "c-1"}}
IMAGE = {
    "call_id": {"S": "c-1"},
    "duration": {"N": "42"},
    "score": {"N": "0.75"},
    "tags": {"SS": ["b", "a"]},
    "meta": {"M": {"agent": {"S": "Zoë"}, "ok": {"BOOL": True}, "none": {"NULL": True}}},
    "turns": {"L": [{"S": "hi\n"}, {"N": "-3"}]},
}


class _Missing:
    def __repr__(self) -> str:  # stable test ids across pytest-xdist workers
        return "MISSING"


MISSING: Any = _Missing()


def record_with(**fields: Any) -> dict[str, Any]:
    """A valid MODIFY record with some fields replaced (MISSING removes one)."""
    envelope: dict[str, Any] = {
        "eventID": "e-1",
        "eventName": "MODIFY",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": ARN,
    }
    ddb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1_782_000_000.123,
        "Keys": KEYS,
        "NewImage": IMAGE,
        "OldImage": {**IMAGE, "duration": {"N": "41"}},
        "SequenceNumber": "1234567890",
        "SizeBytes": 321,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    names = {
        "arn": ("envelope", "eventSourceARN"),
        "name": ("envelope", "eventName"),
        "event_id": ("envelope", "eventID"),
        "ddb": ("envelope", "dynamodb"),
        "sequence": ("ddb", "SequenceNumber"),
        "keys": ("ddb", "Keys"),
        "created": ("ddb", "ApproximateCreationDateTime"),
        "new": ("ddb", "NewImage"),
        "old": ("ddb", "OldImage"),
    }
    envelope["dynamodb"] = ddb
    for name, value in fields.items():
        where, key = names[name]
        target = envelope if where == "envelope" else ddb
        if value is MISSING:
            target.pop(key, None)
        else:
            target[key] = value
    return envelope


class Text(str):
    pass


class Number(int):
    pass


class Seconds(float):
    pass


class Mapping(dict):  # type: ignore[type-arg]
    pass


ODD_VALUES: list[Any] = [MISSING, None, 0, 1.5, True, [], {}, "", b"x", Text("x"), Mapping()]

TIMES: list[Any] = [
    1_782_000_000,
    1_782_000_000.0,
    1_782_000_000.5,
    1_782_000_000.0005,  # the product lands near .5 ms
    1_782_000_000.0015,
    1_782_000_000.0025,
    -1.0005,
    -0.0005,
    -0.0015,
    0.0005,
    0.0015,
    0.0025,
    -0.0,
    0,
    -1,
    1e-300,
    -1e-300,
    2.5e-3,
    1_782_000_000.123,
    1_000_000_000.0005,
    float(changelog._MIN_EPOCH_S + 1) + 0.0005,
    float(changelog._MAX_EPOCH_S - 1) + 0.4995,
    changelog._MIN_EPOCH_S,
    changelog._MAX_EPOCH_S,
    changelog._MIN_EPOCH_S + 1,
    changelog._MAX_EPOCH_S - 1,
    math.nan,
    -math.nan,
    math.inf,
    -math.inf,
    1e300,
    -1e300,
    2**63,
    -(2**63),
    2**64 + 5,
    10**40,
    -(10**40),
    True,
    False,
    Number(5),
    Seconds(5.5),
    "1782000000",
    None,
    MISSING,
    datetime(2026, 6, 30, tzinfo=UTC),
    [1],
]

SEQUENCES: list[Any] = [
    "1",
    "0",
    "0" * 40,
    "9" * 40,
    "9" * 41,
    "1" * 39,
    "",
    " 1",
    "1 ",
    "-1",
    "+1",
    "1.0",
    "1e5",
    "١٢٣",  # Arabic-Indic digits: isdigit() but not ASCII
    "１２",  # fullwidth digits
    "²",
    "12\x00",
    Text("123"),
    123,
    None,
    MISSING,
]

IMAGES: list[Any] = [
    MISSING,
    None,
    {},
    IMAGE,
    {"a": {"N": "1e3"}},  # json_text gives up; the Python path normalises it
    {"a": {"NS": ["2", "1"]}},
    {"a": {"B": "AAEC"}},
    {"a": {"B": "!!"}},  # malformed: DecodeError on the Python path
    {"a": {"S": "lone \ud800"}},  # lone surrogate: DecodeError
    {"a": {"X": "y"}},
    {1: {"S": "x"}},
    {"a": "b"},
    Mapping(a={"S": "x"}),
    [],
    "text",
    0,
]

ODD_ARNS: list[Any] = [
    MISSING,
    None,
    "",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/unknown/stream/x",
    "not an arn",
    Text(ARN),
    b"arn",
    1,
]


def test_a_valid_record_decodes_identically() -> None:
    fast = assert_agrees(record_with())
    assert fast is not None
    assert fast[:2] == ("calls", "20260630T000000000")
    assert fast[4] == 1_782_000_000_123
    assert fast[5] == "0" * 30 + "1234567890"


@pytest.mark.parametrize("name", ["INSERT", "MODIFY", "REMOVE"])
def test_each_event_name(name: str) -> None:
    assert assert_agrees(record_with(name=name)) is not None


def test_remove_keeps_the_old_image_only_whatever_new_image_holds() -> None:
    for new in IMAGES:
        fast = assert_agrees(record_with(name="REMOVE", new=new))
        assert fast is not None and fast[7] is None and fast[8] is not None


def test_keys_only_records_have_no_images() -> None:
    for name in ("INSERT", "MODIFY", "REMOVE"):
        fast = assert_agrees(record_with(name=name, new=MISSING, old=MISSING))
        assert fast is not None and fast[7] is None and fast[8] is None
    fast = assert_agrees(record_with(new=None, old=None))
    assert fast is not None and fast[7:] == (None, None)


@pytest.mark.parametrize(
    "field",
    ["arn", "name", "event_id", "ddb", "sequence", "keys", "created", "new", "old"],
)
def test_odd_values_in_every_field(field: str) -> None:
    for odd in ODD_VALUES:
        assert_agrees(record_with(**{field: odd}))


def test_required_fields_missing_or_wrong_give_none() -> None:
    for field in ("arn", "name", "event_id", "ddb", "sequence", "keys", "created"):
        for odd in (MISSING, None, True, "", *([0] if field != "created" else [])):
            assert c_decode(record_with(**{field: odd}), KNOWN) is None, (field, odd)


@pytest.mark.parametrize("name", ["insert", "DELETE", "INSERT ", "", "MODIFYX", "REMOV", Text("INSERT")])
def test_other_event_names(name: str) -> None:
    assert assert_agrees(record_with(name=name)) is None


@pytest.mark.parametrize("created", TIMES, ids=repr)
def test_creation_times(created: Any) -> None:
    fast = assert_agrees(record_with(created=created))
    if type(created) in (int, float) and changelog._MIN_EPOCH_S < created < changelog._MAX_EPOCH_S:
        assert fast is not None


@pytest.mark.parametrize("sequence", SEQUENCES, ids=repr)
def test_sequence_numbers(sequence: Any) -> None:
    fast = assert_agrees(record_with(sequence=sequence))
    valid = type(sequence) is str and 0 < len(sequence) <= 40 and sequence.isascii() and sequence.isdigit()
    assert (fast is not None) == valid


@pytest.mark.parametrize("image", IMAGES, ids=repr)
def test_images_and_keys(image: Any) -> None:
    for field in ("new", "old", "keys"):
        fast = assert_agrees(record_with(**{field: image}))
        if image is MISSING or image is None or image == {} or image is IMAGE:
            assert fast is not None or field == "keys"


def test_an_image_json_text_gives_up_on_makes_the_whole_record_none() -> None:
    for image in ({"a": {"N": "1e3"}}, {"a": {"NS": ["2", "1"]}}, {"a": {"S": "\ud800"}}):
        assert _convert.json_text(image) is None
        for field in ("new", "old", "keys"):
            assert c_decode(record_with(**{field: image}), KNOWN) is None


@pytest.mark.parametrize("arn", ODD_ARNS, ids=repr)
def test_only_known_arns_take_the_fast_path(arn: Any) -> None:
    assert assert_agrees(record_with(arn=arn)) is None


def test_the_known_arns_are_looked_up_not_parsed() -> None:
    assert c_decode(record_with(), {}) is None
    expected = c_decode(record_with(), KNOWN)
    assert expected is not None
    assert c_decode(record_with(), {ARN: ("t", "l")}) == ("t", "l", *expected[2:])
    odd_values: list[Any] = [None, ("t",), ("t", "l", "x"), ["t", "l"], ("t", 1), (Text("t"), "l"), ()]
    for odd in odd_values:
        assert c_decode(record_with(), {ARN: odd}) is None, odd


@pytest.mark.parametrize("record", [None, [], "x", 1, Mapping(record_with()), {}, {"dynamodb": {}}], ids=repr)
def test_records_that_are_not_plain_dicts(record: Any) -> None:
    assert assert_agrees(record) is None


def test_known_arns_must_be_a_dict() -> None:
    assert c_decode(record_with(), None) is None  # type: ignore[arg-type]
    assert c_decode(record_with(), Mapping(KNOWN)) is None


def test_arguments_are_checked() -> None:
    with pytest.raises(TypeError):
        c_decode(record_with())  # type: ignore[call-arg]


# --- generated records --------------------------------------------------------------------------------------

attribute_values = st.recursive(
    st.one_of(
        st.builds(lambda s: {"S": s}, st.text(max_size=8)),
        st.builds(lambda n: {"N": str(n)}, st.integers(-(10**20), 10**20)),
        st.sampled_from(
            [{"N": "1.50"}, {"N": "1e3"}, {"N": "bad"}, {"BOOL": True}, {"NULL": True}, {"B": "AA=="}]
        ),
        st.sampled_from([{"SS": ["b", "a"]}, {"NS": ["1"]}, {"X": 1}, {"S": 1}, "plain", {}]),
    ),
    lambda children: st.one_of(
        st.builds(lambda items: {"L": items}, st.lists(children, max_size=3)),
        st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=4), children, max_size=3)),
    ),
    max_leaves=6,
)
images = st.one_of(
    st.dictionaries(st.text(max_size=6), attribute_values, max_size=4),
    st.sampled_from(IMAGES),
)
floats_near_half = st.builds(
    lambda whole, half, sign: sign * (whole + half / 1000),
    st.integers(0, 10**12),
    st.sampled_from([0.5, 1.5, 2.5]),
    st.sampled_from([1, -1]),
)
times = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e12, max_value=1e12),
    floats_near_half,
    st.sampled_from(TIMES),
)
sequences = st.one_of(
    st.text(alphabet="0123456789", min_size=0, max_size=42),
    st.text(max_size=42),
    st.sampled_from(SEQUENCES),
)
names = st.sampled_from(
    ["INSERT", "MODIFY", "REMOVE", "INSERT", "MODIFY", "REMOVE", "DELETE", None, MISSING, 1]
)
odd = st.sampled_from(ODD_VALUES)


@st.composite
def records(draw: st.DrawFn) -> Any:
    fields = {
        "arn": draw(st.one_of(st.sampled_from([ARN, OTHER_ARN, ARN, OTHER_ARN]), st.sampled_from(ODD_ARNS))),
        "name": draw(names),
        "event_id": draw(st.one_of(st.text(max_size=6), odd)),
        "sequence": draw(sequences),
        "keys": draw(st.one_of(images, odd)),
        "created": draw(times),
        "new": draw(st.one_of(images, odd)),
        "old": draw(st.one_of(images, odd)),
    }
    if draw(st.integers(0, 20)) == 0:
        fields["ddb"] = draw(odd)
    # Mostly keep most fields valid, so the fast path is reached often.
    base = record_with()
    keep = draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
    chosen = {k: v for k, v in fields.items() if k not in keep or k == "ddb"}
    if draw(st.booleans()):
        chosen = {k: v for k, v in chosen.items() if k in draw(st.sets(st.sampled_from(sorted(chosen))))}
    record = record_with(**chosen)
    return draw(st.sampled_from([record, record, record, base, [record], None]))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_c_and_python_agree_on_generated_records(record: Any) -> None:
    assert_agrees(record)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(), st.floats(), floats_near_half))
def test_event_times_round_like_python(created: Any) -> None:
    fast = assert_agrees(record_with(created=created))
    if type(created) in (int, float) and changelog._MIN_EPOCH_S < created < changelog._MAX_EPOCH_S:
        assert fast is not None and fast[4] == round(created * 1000)


def test_halfway_products_round_half_to_even() -> None:
    halves = 0
    for whole in range(-2_000, 2_000):
        for fraction in (0.0005, 0.0015, 0.0025, 0.0035, 0.5):
            created = whole + fraction
            if (created * 1000) % 1 == 0.5:
                halves += 1
            fast = c_decode(record_with(created=created), KNOWN)
            assert fast is not None and fast[4] == round(created * 1000), created
    for product in (
        0.5,
        1.5,
        2.5,
        -0.5,
        -1.5,
        -2.5,
        12345.5,
        -12345.5,
        2.0**44 + 0.5,
        -(2.0**44) - 0.5,
        2.0**44 + 1.5,
    ):
        created = product / 1000
        fast = c_decode(record_with(created=created), KNOWN)
        assert fast is not None and fast[4] == round(created * 1000), created
    assert halves > 100  # the loop did test exact halves


# --- every record of a realistic generated batch ----------------------------------------------------------


@pytest.fixture(scope="module")
def generated_records() -> list[Any]:
    """~300 realistic records: the benchmark's own batch builder (synthetic INSERTs and MODIFYs)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "stream_processor.py"
    spec = importlib.util.spec_from_file_location("bench_stream_processor", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    records: list[Any] = bench.build_batch(300)
    return records


def test_every_generated_record_decodes_identically(generated_records: list[Any]) -> None:
    known: dict[str, tuple[str, str]] = {}
    for record in generated_records:
        arn = record["eventSourceARN"]
        known[arn] = changelog.table_from_arn(arn)
        KNOWN.setdefault(arn, known[arn])
        assert assert_agrees(record, known) is not None, record
    assert len(generated_records) == 300


def test_the_batch_writer_uses_the_fast_path(generated_records: list[Any], tmp_path: Any) -> None:
    from lambdas.stream_processor.lake import Lake

    if not convert.ACCELERATED:
        pytest.skip("the pure-Python path is forced")
    calls = 0
    real = convert.decode_record
    assert real is not None

    def counting(record: Any, known: dict[str, tuple[str, str]]) -> Any:
        nonlocal calls
        result = real(record, known)
        calls += result is not None
        return result

    changelog._KNOWN_ARNS.clear()
    convert.decode_record = counting
    try:
        outcome = changelog.write_stream_batch(generated_records, Lake.from_uri(str(tmp_path)))
    finally:
        convert.decode_record = real
    assert outcome.rows == 300 and outcome.quarantined == 0
    assert calls >= 299  # all but the first record of each ARN


# --- reference counts ---------------------------------------------------------------------------------------


def walk(value: Any) -> list[Any]:
    found = [value]
    if isinstance(value, dict):
        for k, v in value.items():
            found += [k, *walk(v)]
    elif isinstance(value, list | tuple):
        for v in value:
            found += walk(v)
    return found


def test_reference_counts_are_unchanged(generated_records: list[Any]) -> None:
    known = {arn: changelog.table_from_arn(arn) for arn in {r["eventSourceARN"] for r in generated_records}}
    samples = [
        generated_records[0],
        generated_records[1],
        record_with(),
        record_with(name="REMOVE"),
        record_with(new={"a": {"N": "1e3"}}),  # gives up after converting the keys and the old image
        record_with(old={"a": {"S": "\ud800"}}),
        record_with(created=math.nan),
        record_with(sequence="9" * 41),
        record_with(arn="arn:aws:dynamodb:eu-west-1:1:table/unknown/stream/x"),
    ]
    for record in samples:
        objects = [*walk(record), known, *walk(known), *walk(KNOWN)]
        before = [sys.getrefcount(o) for o in objects]
        for _ in range(2_000):
            c_decode(record, known)
            c_decode(record, KNOWN)
        # A leak or an over-release moves a count by at least 2,000; shared objects (interned keys, None, True)
        # may drift a little with whatever else the process runs.
        drift = [abs(sys.getrefcount(o) - b) for o, b in zip(objects, before, strict=True)]
        assert max(drift) < 100, [(o, d) for o, d in zip(objects, drift, strict=True) if d >= 100][:5]


def test_repeated_decoding_does_not_grow_memory(generated_records: list[Any]) -> None:
    known = {arn: changelog.table_from_arn(arn) for arn in {r["eventSourceARN"] for r in generated_records}}
    records = [
        *generated_records[:50],
        record_with(new={"a": {"N": "1e3"}}),  # gives up after writing the keys and the old image
        record_with(created=math.nan),
    ]
    for record in records:
        c_decode(record, known)
    tracemalloc.start()
    try:
        for _ in range(3):
            for record in records:
                c_decode(record, known)
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(100):
            for record in records:
                c_decode(record, known)
        grown = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    # 5,200 decodes: leaking one small string each would grow memory by hundreds of kilobytes.
    assert grown < 64 * 1024, grown


def test_a_day_of_records_spans_the_expected_date() -> None:
    fast = c_decode(record_with(created=datetime(2026, 6, 30, 12, tzinfo=UTC).timestamp()), KNOWN)
    assert fast is not None and changelog.day_of(fast[4]) == date(2026, 6, 30).isoformat()


# --- the string writer's 8-character blocks (json_text; its differential tests are in test_convert_accelerated) ---


def test_every_ascii_character_at_every_position_of_a_long_string() -> None:
    for code in range(128):
        for length in (7, 8, 9, 16, 17, 25):
            for position in range(length):
                text = "ab/cdefghijklmnopqrstuvwxy"[:length]
                text = text[:position] + chr(code) + text[position + 1 :]
                attributes = {"s": {"S": text}, text: {"NULL": True}}
                assert _convert.json_text(attributes) == orjson.dumps(convert.py_item(attributes)).decode()


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from('ab"\\\x00\x01\x1f\x1f !#[]\x7f\n\t'), max_size=70))
def test_ascii_strings_with_many_escapes(text: str) -> None:
    attributes = {"s": {"S": text}, "l": {"L": [{"S": text * 3}]}}
    assert _convert.json_text(attributes) == orjson.dumps(convert.py_item(attributes)).decode()
