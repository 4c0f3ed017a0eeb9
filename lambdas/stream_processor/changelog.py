"""Stream records and snapshot items → raw change-log rows, grouped into one Parquet file per (table, day).

Pure functions and a small accumulator; the only I/O is :class:`~lambdas.stream_processor.lake.Lake`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from lambdas.stream_processor import convert
from lambdas.stream_processor.convert import DecodeError
from lambdas.stream_processor.lake import QUARANTINE_PREFIX, RAW_SCHEMA, Lake, LakeWriteError, Written

EVENT_NAMES = frozenset({"INSERT", "MODIFY", "REMOVE"})
SEQUENCE_WIDTH = 40
SNAPSHOT_SEQUENCE = "0" * SEQUENCE_WIDTH  # a snapshot sorts before any stream event of the same instant
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_MS_PER_DAY = 86_400_000


def table_from_arn(arn: Any) -> tuple[str, str]:
    """``arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`` → (table, stream label)."""
    if type(arn) is not str:
        raise DecodeError("eventSourceARN is missing or not a string")
    parts = arn.split(":", 5)
    resource = parts[5].split("/") if len(parts) == 6 else []
    if len(resource) < 2 or resource[0] != "table" or not _TABLE_NAME.fullmatch(resource[1]):
        raise DecodeError(f"eventSourceARN {arn!r} is not a DynamoDB table stream ARN")
    label = resource[3] if len(resource) >= 4 and resource[2] == "stream" else "nostream"
    return resource[1], re.sub(r"[^0-9A-Za-z]", "", label) or "nostream"


_KNOWN_ARNS: dict[str, tuple[str, str]] = {}


def _remember_arn(arn: Any) -> tuple[str, str]:
    """Parse a stream ARN (DecodeError if it is not one) and keep it: a batch carries one ARN on every record."""
    parsed = table_from_arn(arn)
    if len(_KNOWN_ARNS) >= 64:
        _KNOWN_ARNS.clear()
    _KNOWN_ARNS[arn] = parsed
    return parsed


_MIN_EPOCH_S, _MAX_EPOCH_S = -62_135_596_800, 253_402_300_800  # years 1 to 9999, what a timestamp can hold


def _epoch_ms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, datetime):
            return int(value.timestamp() * 1000)
        raise DecodeError("dynamodb.ApproximateCreationDateTime must be epoch seconds")
    if not _MIN_EPOCH_S < value < _MAX_EPOCH_S:  # also NaN and infinities
        raise DecodeError(
            f"dynamodb.ApproximateCreationDateTime {value!r} is not a time between years 1 and 9999"
        )
    return round(float(value) * 1000)


@functools.lru_cache(maxsize=4096)
def _day(day_number: int) -> str:
    return datetime.fromtimestamp(day_number * 86_400, tz=UTC).strftime("%Y-%m-%d")


def day_of(epoch_ms: int) -> str:
    """``yyyy-MM-dd`` (UTC) of an epoch time in milliseconds."""
    return _day(epoch_ms // _MS_PER_DAY)


# One row of a group: event_id, event_name, event_at (epoch ms), sequence_number, keys, new_image, old_image.
Row = tuple[str, str, int, str, str, str | None, str | None]


@dataclass
class Group:
    """Rows bound for one Parquet object: one table, one day of ``event_at``."""

    table: str
    dt: str
    rows: list[Row] = field(default_factory=list)
    first_index: int = -1  # position in the batch of this group's first record

    def __len__(self) -> int:
        return len(self.rows)

    def add(
        self,
        index: int,
        event_id: str,
        event_name: str,
        event_at_ms: int,
        sequence: str,
        keys: str,
        new_image: str | None,
        old_image: str | None,
    ) -> None:
        if self.first_index < 0:
            self.first_index = index
        self.rows.append((event_id, event_name, event_at_ms, sequence, keys, new_image, old_image))

    @property
    def sequence_number(self) -> list[str]:
        return [row[3] for row in self.rows]

    def to_arrow(self, source: str, ingested_at_ms: int) -> pa.Table:
        n = len(self.rows)
        event_id, event_name, event_at, sequence, keys, new_image, old_image = zip(*self.rows, strict=True)
        columns = [
            pa.array(event_id, pa.string()),
            pa.array(event_name, pa.string()),
            pa.array([source] * n, pa.string()),
            pa.array(event_at, pa.int64()).cast(pa.timestamp("ms")),
            pa.array(sequence, pa.string()),
            pa.array(keys, pa.string()),
            pa.array(new_image, pa.string()),
            pa.array(old_image, pa.string()),
            pa.array([ingested_at_ms] * n, pa.int64()).cast(pa.timestamp("ms")),
        ]
        return pa.Table.from_arrays(columns, schema=RAW_SCHEMA)


@dataclass
class Quarantined:
    index: int
    table: str
    sequence: str | None
    error: str
    record: Any


class ImageCache:
    """The last image converted per (table, key) in a batch.

    An item written and then changed within one batch arrives twice: as the first record's new image and as the
    second record's old image. Comparing the typed dicts (done in C by the interpreter) is far cheaper than
    converting again.
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], tuple[Any, str]] = {}

    def convert(self, table: str, keys: str, typed: Any) -> str:
        cached = self._last.get((table, keys))
        if cached is not None and cached[0] == typed:
            return cached[1]
        return convert.to_json(typed)

    def remember(self, table: str, keys: str, typed: Any, converted: str) -> None:
        self._last[(table, keys)] = (typed, converted)


def _text(value: Any, name: str) -> str:
    """A non-empty string that has a UTF-8 form (Lambda's JSON parser can hand over lone surrogates)."""
    if type(value) is not str or not value:
        raise DecodeError(f"{name} is missing")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise DecodeError(f"{name} {value!r} is not valid UTF-8 text") from None
    return value


def valid_sequence(sequence: Any) -> str | None:
    """A stream sequence number as Lambda delivers it (1 to 40 ASCII digits), else None."""
    if (
        type(sequence) is str
        and 0 < len(sequence) <= SEQUENCE_WIDTH
        and sequence.isascii()
        and sequence.isdigit()
    ):
        return sequence
    return None


def decode_stream_record(
    record: Any, cache: ImageCache | None = None
) -> tuple[str, str, str, str, int, str, str, str | None, str | None]:
    """One DynamoDB Streams record → (table, stream label, event id, event name, event_at ms, sequence, keys,
    new image, old image). Raises :class:`DecodeError` with a reason a person can act on."""
    if type(record) is not dict:
        raise DecodeError(f"record is not a JSON object (got {_kind(record)})")
    arn = record.get("eventSourceARN")
    table, label = (_KNOWN_ARNS.get(arn) if type(arn) is str else None) or _remember_arn(arn)
    event_name = record.get("eventName")
    if type(event_name) is not str or event_name not in EVENT_NAMES:
        raise DecodeError(f"eventName {event_name!r} is not INSERT, MODIFY or REMOVE")
    event_id = _text(record.get("eventID"), "eventID")
    ddb = record.get("dynamodb")
    if type(ddb) is not dict:
        raise DecodeError("dynamodb section is missing")
    sequence = valid_sequence(ddb.get("SequenceNumber"))
    if sequence is None:
        raise DecodeError(
            f"dynamodb.SequenceNumber {ddb.get('SequenceNumber')!r} is not a string of up to 40 digits"
        )
    keys_in = ddb.get("Keys")
    if type(keys_in) is not dict or not keys_in:
        raise DecodeError("dynamodb.Keys is missing")
    event_at = _epoch_ms(ddb.get("ApproximateCreationDateTime"))
    keys = convert.to_json(keys_in)
    new_in = ddb.get("NewImage")
    old_in = ddb.get("OldImage")
    if cache is None:
        old_image = None if old_in is None else convert.to_json(old_in)
    else:
        old_image = None if old_in is None else cache.convert(table, keys, old_in)
    new_image = None if new_in is None or event_name == "REMOVE" else convert.to_json(new_in)
    if new_image is not None and cache is not None:
        cache.remember(table, keys, new_in, new_image)
    return (
        table,
        label,
        event_id,
        event_name,
        event_at,
        sequence.zfill(SEQUENCE_WIDTH),
        keys,
        new_image,
        old_image,
    )


def _kind(value: Any) -> str:
    return (
        "null"
        if value is None
        else {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), type(value).__name__)
    )


class UnreportableFailure(RuntimeError):
    """Records were not written and the earliest of them has no sequence number Lambda could restart from, so
    the whole batch must be retried: raised by the handler, which Lambda treats as a failed batch."""


@dataclass
class BatchOutcome:
    """What one batch did; the handler turns it into a response, logs and metrics.

    Every record ends in exactly one of: a Parquet object (``rows``), the quarantine object (``quarantined``), or
    the unwritten set, reported back to Lambda from its earliest record (``failed_index``) onward.
    """

    records: int = 0
    rows: int = 0
    files: list[str] = field(default_factory=list)
    bytes_written: int = 0
    quarantined: int = 0
    unwritten: int = 0  # records neither in Parquet nor in quarantine
    failed_index: int | None = None  # earliest unwritten record (batch position)
    failed_sequence: str | None = None  # its sequence number, when it has one Lambda knows
    failures: list[str] = field(default_factory=list)

    @property
    def reportable(self) -> bool:
        """False when records were not written and none can be named: the batch must be retried whole."""
        return self.failed_index is None or self.failed_sequence is not None

    def response(self) -> dict[str, list[dict[str, str]]]:
        """The partial batch response; :class:`UnreportableFailure` when it cannot name the earliest record."""
        if self.failed_index is None:
            return {"batchItemFailures": []}
        if self.failed_sequence is None:
            raise UnreportableFailure(
                f"{self.unwritten} record(s) were not written and the earliest (position {self.failed_index} in "
                "the batch) has no sequence number to report: failing the whole batch so Lambda retries it "
                f"({'; '.join(self.failures)})"
            )
        return {"batchItemFailures": [{"itemIdentifier": self.failed_sequence}]}


def _object_name(prefix: str, label: str, sequences: Iterable[str]) -> str:
    ordered = sorted(sequences)
    return f"{prefix}-{label}-{ordered[0].lstrip('0') or '0'}-{ordered[-1].lstrip('0') or '0'}"


def write_stream_batch(records: list[Any], lake: Lake, *, now: datetime | None = None) -> BatchOutcome:
    """Decode a batch of stream records and write one Parquet object per (table, day).

    Object keys come from the stream label and the first and last sequence numbers written, so a retried batch
    overwrites its own objects. Undecodable records go to ``quarantine/`` with their error and the original JSON,
    in one object named by its content. Any record that ends in neither (its write failed) is reported: the
    outcome names the earliest such record, from which Lambda retries.
    """
    ingested_ms = int((now or datetime.now(UTC)).timestamp() * 1000)
    outcome = BatchOutcome(records=len(records))
    cache = ImageCache()
    groups: dict[tuple[str, str], Group] = {}
    labels: dict[tuple[str, str], str] = {}
    members: dict[tuple[str, str], list[int]] = {}
    bad: list[Quarantined] = []
    for index, record in enumerate(records):
        try:
            decoded = decode_stream_record(record, cache)
        except DecodeError as error:
            bad.append(_quarantined(index, record, str(error)))
            continue
        where = (decoded[0], day_of(decoded[4]))
        group = groups.get(where)
        if group is None:
            group = groups[where] = Group(*where, first_index=index)
            labels[where] = decoded[1]
            members[where] = []
        group.rows.append(decoded[2:])
        members[where].append(index)

    unwritten: list[int] = []
    for where, group in groups.items():
        table, dt = where
        key = f"{table}/dt={dt}/{_object_name('stream', labels[where], group.sequence_number)}.parquet"
        try:
            written = lake.write_parquet(key, group.to_arrow("stream", ingested_ms))
        except LakeWriteError as error:
            outcome.failures.append(str(error))
            unwritten.extend(members[where])
            continue
        outcome.files.append(written.path)
        outcome.rows += len(group)
        outcome.bytes_written += written.size
    if bad:
        try:
            written = write_quarantine(bad, lake, "stream", ingested_ms)
        except LakeWriteError as error:
            outcome.failures.append(str(error))
            unwritten.extend(q.index for q in bad)
        else:
            outcome.files.append(written.path)
            outcome.bytes_written += written.size
            outcome.quarantined = len(bad)
    if unwritten:
        outcome.unwritten = len(unwritten)
        outcome.failed_index = min(unwritten)
        outcome.failed_sequence = _sequence_of(records[outcome.failed_index])
    return outcome


def _quarantined(index: int, record: Any, error: str) -> Quarantined:
    table = "unknown"
    if type(record) is dict:
        with contextlib.suppress(DecodeError):
            table = table_from_arn(record.get("eventSourceARN"))[0]
    return Quarantined(index, table, _sequence_of(record), error, record)


def _sequence_of(record: Any) -> str | None:
    """The record's sequence number when it is one Lambda could have delivered (and can restart from)."""
    if type(record) is not dict or type(record.get("dynamodb")) is not dict:
        return None
    return valid_sequence(record["dynamodb"].get("SequenceNumber"))


def write_quarantine(bad: list[Quarantined], lake: Lake, source: str, ingested_ms: int) -> Written:
    """Write undecodable records, each with its error and original JSON, as one JSON-lines object.

    The object is named by a hash of its content, never by position: the same records retried overwrite their own
    object, and different records never share a name.
    """
    day = day_of(ingested_ms)
    tables = sorted({q.table for q in bad})
    lines = b"".join(
        _quarantine_line(
            {"table": q.table, "sequence_number": q.sequence, "error": q.error, "record": q.record}
        )
        for q in bad
    )
    name = f"{source}-{hashlib.sha256(lines).hexdigest()[:32]}"
    return lake.write_bytes(f"{QUARANTINE_PREFIX}/{'+'.join(tables)}/dt={day}/{name}.jsonl", lines)


def _quarantine_line(entry: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(entry, default=_unserialisable) + b"\n"
    except orjson.JSONEncodeError:
        # Text orjson refuses (a lone surrogate, say) is kept as ASCII JSON with \u escapes: nothing is lost.
        return json.dumps(entry, ensure_ascii=True, default=_unserialisable).encode() + b"\n"


def _unserialisable(value: Any) -> str:
    return repr(value)


def snapshot_group(
    table: str,
    items: Iterable[Mapping[str, Any]],
    key_names: Iterable[str],
    read_at: datetime,
    run_id: str,
) -> tuple[Group | None, list[Quarantined]]:
    """Items read by a Scan or export (typed DynamoDB JSON) → one group of ``SNAPSHOT`` rows.

    The event id is deterministic (run, table, keys), so re-running a segment rewrites the same rows.
    """
    key_list = list(key_names)
    at_ms = int(read_at.timestamp() * 1000)
    group = Group(table, day_of(at_ms))
    bad: list[Quarantined] = []
    for index, typed in enumerate(items):
        try:
            missing = [k for k in key_list if k not in typed]
            if missing:
                raise DecodeError(f"item has no key attribute {missing[0]!r}")
            keys = convert.to_json({k: typed[k] for k in key_list})
            image = convert.to_json(typed)
        except DecodeError as error:
            bad.append(Quarantined(index, table, None, str(error), dict(typed)))
            continue
        event_id = "snapshot-" + hashlib.sha256(f"{run_id}|{table}|{keys}".encode()).hexdigest()[:32]
        group.add(index, event_id, "SNAPSHOT", at_ms, SNAPSHOT_SEQUENCE, keys, image, None)
    return (group if len(group) else None), bad
