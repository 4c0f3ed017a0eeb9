"""The C conversion (``_convert.item``) against the pure-Python reference (``convert.py_item``): same JSON, same errors."""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
import sys
import tracemalloc
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# _convert is imported plainly, not with importorskip: `make install` always builds the extension, so a missing
# one must fail these tests rather than skip them.
from lambdas.stream_processor import _convert, convert

# Configure explicitly so these tests exercise the C code even when PCA_PURE_PYTHON_CONVERT is set.
_convert.configure(
    value=convert.value,
    attribute=convert._attribute,
    element=convert._element,
    number=convert.number,
    fragment=orjson.Fragment,
    item=convert.py_item,
)
c_item = _convert.item
py_item = convert.py_item


def outcome(function: Any, attributes: Any) -> tuple[Any, ...]:
    """What a conversion gives: the JSON bytes, or the exception's type and message."""
    try:
        return ("ok", orjson.dumps(function(attributes)))
    except Exception as error:
        return ("error", type(error), str(error))


def assert_same(attributes: Any) -> tuple[Any, ...]:
    expected = outcome(py_item, attributes)
    assert outcome(c_item, attributes) == expected
    return expected


def test_the_extension_is_built_and_used() -> None:
    assert callable(_convert.item)
    if os.environ.get("PCA_PURE_PYTHON_CONVERT", "") in ("", "0"):
        assert convert.ACCELERATED is True
        assert convert.item is _convert.item


def test_the_environment_variable_forces_the_pure_path() -> None:
    code = "from lambdas.stream_processor import convert; print(convert.ACCELERATED, convert.item is convert.py_item)"
    env = {**os.environ, "PCA_PURE_PYTHON_CONVERT": "1"}
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]


# --- generated typed values, well-formed and not ------------------------------------------------------------

ODD_NUMBERS = [
    "0",
    "-0",
    "00",
    "007",
    "-007",
    "0.0",
    "-0.0",
    "00.5",
    "-00.5",
    "0.50",
    "1.",
    ".5",
    "-.5",
    "1e3",
    "1E3",
    "1e+3",
    "-1.5e-3",
    "1e400",
    "1E-400",
    "1e-7",
    "1e29",
    "1e30",
    "+1",
    "+0.5",
    "١٢",
    "١.٥",
    "1_000",
    " 1",
    "1 ",
    "Infinity",
    "-Infinity",
    "NaN",
    "sNaN",
    "-",
    "",
    ".",
    "-.",
    "1.2.3",
    "0x10",
    "1..2",
    "9" * 18,
    "9" * 19,
    "-" + "9" * 18,
    "-" + "9" * 19,
    "9" * 38,
    "9" * 39,
    "-" + "9" * 38,
    "-" + "9" * 39,
    "1" + "0" * 38,
    "0" * 40 + "1",
    "0." + "0" * 37 + "1",
    "0." + "0" * 38 + "1",
    "1." + "0" * 37,
    "9" * 20 + "." + "9" * 18,
    "9" * 20 + "." + "9" * 19,
    "123456789012345678.5",
    "12345678901234567890123456789012345678.0",
]

numbers = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.from_regex(r"-?[0-9]{0,40}(\.[0-9]{0,40})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.text(alphabet="0123456789-+.eE١٢٣ ", max_size=12),
)
# Every character orjson escapes, the ones it does not (DEL, U+2028), each UTF-8 length and its boundaries.
SPECIAL_CHARACTERS = [
    *map(chr, range(0x20)),
    *'"\\/\x7f\x80\xa0\xffé\u07ff\u0800€\u2028\u2029\ufeff\uffff\U00010000😀\U0010ffff',
]
characters = st.one_of(st.sampled_from(SPECIAL_CHARACTERS), st.characters(exclude_categories=["Cs"]))
texts = st.text(characters, max_size=12)
# Lambda's JSON parser turns "\ud800" into a str with a lone surrogate, which has no UTF-8 form.
lone_surrogate_texts = st.builds(lambda a, s, b: a + s + b, texts, st.characters(categories=["Cs"]), texts)
base64_texts = st.one_of(
    st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode()),
    st.sampled_from(
        ["", "AB==", "ABC=", "A===", "AB=A", "====", "AB", "AB=", "A", "not base64!", "QUJD\n", "QUJ€"]
    ),
    st.text(alphabet="ABCab01+/=-_ ", max_size=9),
)


class SubDict(dict):  # type: ignore[type-arg]
    pass


class SubStr(str):
    __slots__ = ()


def typed_leaf() -> st.SearchStrategy[Any]:
    good = st.one_of(
        st.builds(lambda s: {"S": s}, texts),
        st.builds(lambda n: {"N": n}, numbers),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}),
        st.builds(lambda b: {"B": b}, base64_texts),
        st.builds(lambda s: {"SS": s}, st.lists(texts, max_size=5)),
        st.builds(lambda s: {"NS": s}, st.lists(numbers, max_size=4)),
        st.builds(lambda s: {"BS": s}, st.lists(base64_texts, max_size=4)),
    )
    odd_inner = st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=False),
        texts,
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
    bad = st.one_of(
        st.builds(
            lambda k, v: {k: v},
            st.sampled_from(["S", "N", "M", "L", "BOOL", "NULL", "B", "SS", "NS", "BS"]),
            odd_inner,
        ),
        st.builds(lambda k, v: {k: v}, st.sampled_from(["X", "s", "n", "", "BOOLEAN", "S ", "ＳＳ"]), texts),
        st.builds(lambda v: {"S": SubStr(v)}, texts),
        st.builds(lambda v: {SubStr("S"): v}, texts),
        st.builds(lambda v: {"N": SubStr(v)}, numbers),
        st.builds(lambda v: {1: v}, texts),
        st.just({}),
        st.builds(lambda a, b: {"S": a, "N": b}, texts, numbers),
        st.builds(lambda a: {"SS": [a, 1]}, texts),
        st.builds(lambda a: {"SS": [SubStr(a)]}, texts),
        st.builds(lambda a: {"SS": tuple(a)}, st.lists(texts, min_size=1, max_size=2)),
        st.builds(lambda v: {"S": v}, lone_surrogate_texts),
        st.builds(lambda a, b: {"SS": [a, b]}, texts, lone_surrogate_texts),
        odd_inner,
    )
    return st.one_of(good, good, good, bad)


def wrap(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = st.one_of(texts, texts, texts, st.integers(min_value=0, max_value=3), lone_surrogate_texts)
    maps = st.dictionaries(names, children, max_size=5)
    return st.one_of(
        st.builds(lambda m: {"M": m}, maps),
        st.builds(lambda v: {"L": v}, st.lists(children, max_size=5)),
        st.builds(lambda m: {"M": SubDict(m)}, maps),
        st.builds(lambda m: {"M": OrderedDict(m)}, maps),
        st.builds(lambda v: {"L": tuple(v)}, st.lists(children, max_size=2)),
        st.builds(lambda m: SubDict({"M": m}), maps),
        st.builds(lambda m: OrderedDict({"M": m}), maps),
        st.builds(lambda v: SubDict({"L": v}), st.lists(children, max_size=3)),
        typed_leaf().map(lambda v: SubDict(v) if isinstance(v, dict) else v),
    )


typed_values = st.recursive(typed_leaf(), wrap, max_leaves=40)
items = st.one_of(
    st.dictionaries(st.one_of(texts, st.integers(min_value=0, max_value=2)), typed_values, max_size=8),
    typed_values,  # an attribute value passed as a whole item: mostly wrong, sometimes a valid map
    st.none(),
    st.lists(typed_values, max_size=2),
    st.builds(SubDict, st.dictionaries(texts, typed_values, max_size=3)),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items)
def test_c_and_python_agree_on_generated_values(attributes: Any) -> None:
    assert_same(attributes)


@settings(max_examples=600, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=4))
def test_c_and_python_agree_on_numbers_in_maps_and_lists(digits: list[str]) -> None:
    assert_same({f"n{i}": {"N": d} for i, d in enumerate(digits)})
    assert_same({"l": {"L": [{"N": d} for d in digits]}})
    assert_same({"ns": {"NS": digits}})


@pytest.mark.parametrize("digits", ODD_NUMBERS)
def test_every_odd_number_alone(digits: str) -> None:
    assert_same({"n": {"N": digits}})
    assert_same({"l": {"L": [{"N": digits}]}})


def test_errors_carry_the_python_messages() -> None:
    cases: list[tuple[Any, str]] = [
        (None, "item must be an object, got NoneType"),
        ([], "item must be an object, got list"),
        ({"a": {"M": [1]}}, "item must be an object, got list"),
        ({"a": {"N": "twelve"}}, "N value 'twelve' is not a number"),
        ({"a": {"L": [{"N": "1" * 39}]}}, "more than 38 significant digits"),
        ({"a": {"B": "not base64!"}}, "B value is not valid base64"),
        ({"a": {"S": 1}}, "S value must be a string"),
        ({"a": {"S": "x", "N": "1"}}, "attribute value must be an object with one type key"),
        ({"a": "x"}, "attribute value must be an object with one type key, got 'x'"),
        ({"a": {"X": "?"}}, "unknown attribute type 'X'"),
    ]
    for attributes, message in cases:
        expected = assert_same(attributes)
        assert expected[0] == "error"
        assert expected[1] is convert.DecodeError
        assert message in expected[2]


# --- the direct JSON writer (_convert.json_text) against orjson.dumps(py_item(...)) -------------------------

c_json_text = _convert.json_text


def c_to_json(attributes: Any) -> str:
    """convert.to_json's accelerated path, whatever PCA_PURE_PYTHON_CONVERT says."""
    text = c_json_text(attributes)
    return text if text is not None else convert.plain_json(c_item(attributes))


def text_outcome(function: Any, attributes: Any) -> tuple[Any, ...]:
    try:
        return ("ok", function(attributes))
    except Exception as error:
        return ("error", type(error), str(error))


def assert_same_text(attributes: Any) -> str | None:
    """The writer answers only where the reference succeeds, and then byte for byte; to_json agrees with the pure
    to_json either way (same text, or same exception and message). Returns the writer's own answer."""
    direct = c_json_text(attributes)
    if direct is not None:
        assert type(direct) is str
        assert direct.encode() == orjson.dumps(py_item(attributes))
    expected = text_outcome(convert.py_to_json, attributes)
    assert text_outcome(c_to_json, attributes) == expected
    assert text_outcome(convert.to_json, attributes) == expected
    return direct


def fast_leaf(strings: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Well-formed values in the shapes the writer handles itself."""
    return st.one_of(
        st.builds(lambda s: {"S": s}, strings),
        st.builds(lambda n: {"N": n}, st.from_regex(r"-?(0|[1-9][0-9]{0,17})", fullmatch=True)),
        st.builds(lambda n: {"N": n}, st.from_regex(r"-?[1-9][0-9]{18,37}", fullmatch=True)),
        st.builds(lambda n: {"N": n}, st.from_regex(r"-?(0|[1-9][0-9]{0,17})\.[0-9]{1,19}", fullmatch=True)),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}),
        st.builds(lambda b: {"B": base64.b64encode(b).decode()}, st.binary(max_size=12)),
        st.builds(lambda s: {"SS": s}, st.lists(strings, min_size=1, max_size=5)),
    )


def fast_values(strings: st.SearchStrategy[str], leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaf,
        lambda children: st.one_of(
            st.builds(lambda m: {"M": m}, st.dictionaries(strings, children, max_size=5)),
            st.builds(lambda v: {"L": v}, st.lists(children, max_size=5)),
        ),
        max_leaves=30,
    )


fast_items = st.dictionaries(texts, fast_values(texts, fast_leaf(texts)), max_size=8)
# Well-formed items with one more attribute that holds any kind of number (in-map digits with leading zeros, "-0",
# ≥ 19 digits, exponents, ...) or a lone surrogate: the writer answers for some and gives up on others.
odd_leaf = st.one_of(
    st.builds(lambda n: {"N": n}, numbers), st.builds(lambda s: {"S": s}, lone_surrogate_texts)
)
mostly_fast_items = st.builds(
    lambda before, name, odd, after: {**before, name: odd, **after},
    fast_items,
    st.one_of(texts, texts, texts, lone_surrogate_texts),
    st.one_of(
        odd_leaf,
        st.builds(lambda v: {"L": v}, st.lists(odd_leaf, max_size=3)),
        st.builds(lambda m: {"M": m}, st.dictionaries(texts, odd_leaf, max_size=3)),
        fast_leaf(texts),
    ),
    fast_items,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fast_items)
def test_the_writer_writes_what_orjson_writes_for_well_formed_items(attributes: Any) -> None:
    assert assert_same_text(attributes) is not None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mostly_fast_items, items))
def test_the_writer_agrees_with_the_reference_or_gives_up(attributes: Any) -> None:
    assert_same_text(attributes)


@settings(max_examples=600, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=4))
def test_the_writer_agrees_on_numbers_in_maps_and_lists(digits: list[str]) -> None:
    assert_same_text({f"n{i}": {"N": d} for i, d in enumerate(digits)})
    assert_same_text({"l": {"L": [{"N": d} for d in digits]}})


@pytest.mark.parametrize("digits", ODD_NUMBERS)
def test_the_writer_on_every_odd_number_alone(digits: str) -> None:
    assert_same_text({"n": {"N": digits}})
    assert_same_text({"l": {"L": [{"N": digits}]}})


@pytest.mark.parametrize(
    ("digits", "in_map", "in_list"),
    [
        ("007", "7", None),  # item's in-map shortcut is int(); in a list it is convert.number's job
        ("000", "0", None),
        ("-0", "0", "0"),
        ("-5", "-5", "-5"),
        ("0", "0", "0"),
        ("9" * 18, "9" * 18, "9" * 18),
        ("-" + "9" * 18, "-" + "9" * 18, "-" + "9" * 18),
        ("9" * 19, "9" * 19, "9" * 19),  # a Fragment, verbatim
        ("-" + "9" * 38, "-" + "9" * 38, "-" + "9" * 38),
        ("0" + "9" * 18, None, None),
        ("-0.50", "-0.50", "-0.50"),
        ("1.50", "1.50", "1.50"),
        ("00.5", None, None),
        ("1e3", None, None),
        ("", None, None),
    ],
)
def test_the_writer_prints_numbers_as_the_item_path_does(
    digits: str, in_map: str | None, in_list: str | None
) -> None:
    written = assert_same_text({"n": {"N": digits}})
    assert written == (None if in_map is None else '{"n":' + in_map + "}")
    written = assert_same_text({"l": {"L": [{"N": digits}]}})
    assert written == (None if in_list is None else '{"l":[' + in_list + "]}")


@pytest.mark.parametrize("character", SPECIAL_CHARACTERS)
def test_each_special_character_is_written_as_orjson_writes_it(character: str) -> None:
    for attributes in (
        {"s": {"S": f"a{character}b"}},
        {"s": {"S": character * 3}},
        {f"k{character}": {"NULL": True}},
        {"l": {"L": [{"S": character}, {"M": {character: {"S": "é" + character}}}]}},
        {"ss": {"SS": [character, "x", "é"]}},
    ):
        assert assert_same_text(attributes) is not None


def test_escapes_are_orjsons() -> None:
    written = c_json_text({"s": {"S": '\x00\x07\x08\t\n\x0b\x0c\r\x1f"\\/\x7f\u2028é😀'}})
    assert written == '{"s":"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\x7f\u2028é😀"}'


def test_empty_values_and_every_type_at_once() -> None:
    for attributes in (
        {},
        {"": {"S": ""}},
        {"m": {"M": {}}, "l": {"L": []}, "ml": {"M": {"l": {"L": [{"M": {}}, {"L": []}]}}}},
        {"b": {"B": ""}, "b2": {"B": "AA=="}, "t": {"BOOL": True}, "f": {"BOOL": False}, "z": {"NULL": True}},
        {"ss": {"SS": ["b", "", "a", "b"]}, "l": {"L": [{"BOOL": True}, {"NULL": True}, {"B": "AQ=="}]}},
    ):
        assert assert_same_text(attributes) is not None


def test_the_writer_gives_up_on_everything_outside_its_shapes() -> None:
    cases: list[Any] = [
        None,
        [],
        SubDict({"a": {"S": "x"}}),
        OrderedDict({"a": {"S": "x"}}),
        {1: {"S": "x"}},
        {SubStr("a"): {"S": "x"}},
        {"a": {"S": "x", "N": "1"}},
        {"a": {}},
        {"a": "x"},
        {"a": SubDict({"S": "x"})},
        {"a": {"S": SubStr("x")}},
        {"a": {SubStr("S"): "x"}},
        {"a": {"N": "1e3"}},
        {"a": {"N": "٣"}},
        {"a": {"M": SubDict()}},
        {"a": {"L": ()}},
        {"a": {"BOOL": 1}},
        {"a": {"NULL": False}},
        {"a": {"B": "AB="}},
        {"a": {"SS": []}},
        {"a": {"SS": ["x", SubStr("y")]}},
        {"a": {"NS": ["1"]}},
        {"a": {"BS": ["AA=="]}},
        {"a": {"X": "?"}},
        {"a": {"L": [{"N": "007"}]}},
        {"a": {"L": [{"S": "x"}, "x"]}},
        {"ok": {"S": "x"}, "a": {"M": {"b": {"L": [{"S": "x"}, {"N": "nope"}]}}}},
    ]
    for attributes in cases:
        assert assert_same_text(attributes) is None, attributes


@pytest.mark.parametrize(
    "attributes",
    [
        {"s": {"S": "a\ud800"}},
        {"ok": {"S": "x"}, "\udfff": {"S": "x"}},
        {"l": {"L": [{"S": "x"}, {"S": "\udbff"}]}},
        {"m": {"M": {"s": {"S": "\ud800\udc00"}}}},  # two lone surrogates, not a pair
        {"ss": {"SS": ["x", "é\ud800"]}},
        {"s": {"S": "\U0001f600\udc00"}},
    ],
)
def test_a_lone_surrogate_is_a_decode_error_on_both_paths(attributes: Any) -> None:
    assert c_json_text(attributes) is None
    for to_json in (c_to_json, convert.py_to_json, convert.to_json):
        with pytest.raises(
            convert.DecodeError, match=r"^item is not valid UTF-8 text: str is not valid UTF-8"
        ):
            to_json(attributes)


def test_a_non_str_key_is_a_decode_error_on_both_paths() -> None:
    for to_json in (c_to_json, convert.py_to_json, convert.to_json):
        with pytest.raises(
            convert.DecodeError, match=r"^item cannot be written as JSON: Dict key must be str"
        ):
            to_json({"m": {"M": {1: {"S": "x"}}}})


@pytest.mark.parametrize("kind", ["M", "L"])
@pytest.mark.parametrize("levels", [1, 31, 127, 128, 252, 253, 254, 300])
def test_the_writer_follows_nesting_far_below_orjsons_limit(kind: str, levels: int) -> None:
    written = assert_same_text(nested(levels, kind))
    assert (written is not None) == (levels < 128)


def test_beyond_orjsons_nesting_limit_is_a_decode_error() -> None:
    for to_json in (c_to_json, convert.py_to_json):
        with pytest.raises(convert.DecodeError, match="Recursion limit reached"):
            to_json(nested(300, "M"))


@pytest.mark.parametrize("kind", ["M", "L"])
def test_the_writer_gives_up_on_hostile_nesting(kind: str) -> None:
    deep = nested(100_000, kind)
    assert c_json_text(deep) is None
    with pytest.raises((RecursionError, convert.DecodeError)):
        c_to_json(deep)


def test_large_items_outgrow_the_stack_buffer() -> None:
    for attributes in (
        {"big": {"S": "x" * 100_000}},
        {"big": {"S": "\x01" * 20_000 + "é" * 20_000 + "😀" * 5_000}},
        {f"a{i}": {"N": str(i)} for i in range(5_000)},
        {"l": {"L": [{"M": {"s": {"S": "é" * i}}} for i in range(300)]}},
    ):
        written = assert_same_text(attributes)
        assert written is not None and len(written.encode()) > 8192


# --- every image of a real generated batch ---------------------------------------------------------------


@pytest.fixture(scope="module")
def generated_images(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    from orchestration.paths import data_paths
    from orchestration.synthetic.feed import GenerateOptions, generate, read_stream

    paths = data_paths(tmp_path_factory.mktemp("convert-accelerated"))
    generate(
        paths,
        GenerateOptions(
            calls=300, days=5, seed=7, end_date=date(2026, 6, 30), transcripts=False, progress=False
        ),
    )
    images = []
    for record, _ in zip(read_stream(paths, "calls"), range(300), strict=False):
        ddb = record["dynamodb"]
        images += [ddb[k] for k in ("Keys", "NewImage", "OldImage") if k in ddb]
    assert len(images) > 300
    return images


def test_every_generated_image_converts_identically(generated_images: list[Any]) -> None:
    for image in generated_images:
        expected = assert_same(image)
        assert expected[0] == "ok"
        assert orjson.dumps(c_item(image)).decode() == convert.to_json(image)
        assert assert_same_text(image) is not None  # the writer covers every realistic image


# --- hostile nesting, reference counts, leaks ------------------------------------------------------------


def nested(levels: int, kind: str) -> dict[str, Any]:
    value: Any = {"S": "bottom"}
    for _ in range(levels):
        value = {"M": {"k": value}} if kind == "M" else {"L": [value]}
    return {"root": value}


@pytest.mark.parametrize("kind", ["M", "L"])
def test_deep_nesting_raises_instead_of_crashing(kind: str) -> None:
    deep = nested(100_000, kind)
    with pytest.raises((RecursionError, convert.DecodeError)):
        c_item(deep)
    with pytest.raises((RecursionError, convert.DecodeError)):
        py_item(deep)
    assert_same(nested(50, kind))  # moderate nesting still converts


def test_deep_nesting_in_a_subprocess_with_a_raised_recursion_limit() -> None:
    # The interpreter's limit no longer stops it, so the extension's own depth cap must (not the C stack).
    code = (
        "import sys; sys.setrecursionlimit(10**6)\n"
        "from lambdas.stream_processor import convert\n"
        "print(convert.ACCELERATED)\n"
        "for kind in 'ML':\n"
        "    v = {'S': 'x'}\n"
        "    for _ in range(300_000): v = {'M': {'k': v}} if kind == 'M' else {'L': [v]}\n"
        "    try:\n        convert.item({'r': v})\n    except RecursionError:\n        print('RecursionError')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PCA_PURE_PYTHON_CONVERT"}
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "RecursionError", "RecursionError"]


def walk(value: Any) -> list[Any]:
    found = [value]
    if isinstance(value, dict):
        for k, v in value.items():
            found += [k, *walk(v)]
    elif isinstance(value, list | tuple):
        for v in value:
            found += walk(v)
    return found


def test_reference_counts_are_unchanged_after_success_and_failure(generated_images: list[Any]) -> None:
    image = generated_images[1]
    failing = {**image, "zz_bad": {"L": [{"S": "x"}, {"N": "nope"}]}, "after": {"S": "y"}}
    surrogate = {**image, "ss": {"SS": ["b", "a"]}, "zz_bad": {"L": [{"S": "x\ud800"}]}}
    for attributes in (image, failing, surrogate):
        objects = walk(attributes)
        before = [sys.getrefcount(o) for o in objects]
        for _ in range(2_000):
            with contextlib.suppress(convert.DecodeError):
                c_item(attributes)
            c_json_text(attributes)
            with contextlib.suppress(convert.DecodeError):
                c_to_json(attributes)
        # A leak or an over-release in the loop moves a count by at least 2,000. Shared objects (interned keys
        # such as "S", True, None) are also touched by whatever else the process runs (pytest-xdist's thread),
        # so a small drift on those is not ours.
        drift = [abs(sys.getrefcount(o) - b) for o, b in zip(objects, before, strict=True)]
        assert max(drift) < 100, [(o, d) for o, d in zip(objects, drift, strict=True) if d >= 100][:5]


def test_repeated_conversions_do_not_grow_memory(generated_images: list[Any]) -> None:
    images = generated_images[:50]
    bad = {"a": {"M": {"b": {"L": [{"N": "1.5"}, {"B": "!!"}]}}}}
    large = {"big": {"S": "é" * 50_000}}  # outgrows the writer's stack buffer
    for image in images:
        c_item(image)
        c_json_text(image)
    tracemalloc.start()
    try:
        for _ in range(3):
            for image in images:
                c_item(image)
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(40):
            for image in images:
                c_item(image)
                c_json_text(image)
            with pytest.raises(convert.DecodeError):
                c_item(bad)
            assert c_json_text(bad) is None
            assert c_json_text(large) is not None
        grown = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert grown < 64 * 1024
