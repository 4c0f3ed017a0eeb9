"""Generate a contact centre's history and write it the three ways AWS would hold it.

- the change feed, as DynamoDB Streams records (``source/stream/<table>/part-*.jsonl.gz``, in time order);
- the tables' final state, as a DynamoDB export to S3 (``source/export/<table>/data/*.json.gz`` plus
  ``manifest-files.json``);
- one Transcribe Call Analytics document per call (``transcribe/analytics/<job>.json``).

Calls are generated day by day and events are held only until their day is complete, so a million calls
stream out in bounded memory.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from orchestration.paths import DataPaths
from orchestration.synthetic.calls import GeneratedCall, clip, generate_call, iso
from orchestration.synthetic.contact_centre import QUEUES, TEAMS, ContactCentre, build_centre, form_for
from orchestration.synthetic.dynamo import typed, typed_item
from orchestration.synthetic.scorecards import generate_evaluation

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE_KEYS = {"calls": "call_id", "scorecards": "evaluation_id"}
WEEKDAY_WEIGHT = (1.25, 1.12, 1.05, 1.02, 0.95, 0.42, 0.28)  # Monday … Sunday
HOUR_WEIGHT = (
    0.05,
    0.03,
    0.02,
    0.02,
    0.03,
    0.08,
    0.3,
    0.7,
    1.2,
    1.6,
    1.8,
    1.7,
    1.4,
    1.5,
    1.7,
    1.6,
    1.4,
    1.2,
    0.9,
    0.7,
    0.5,
    0.3,
    0.15,
    0.08,
)
RECORDS_PER_PART = 100_000


@dataclass(frozen=True)
class GenerateOptions:
    calls: int
    days: int
    seed: int
    end_date: date
    transcripts: bool = True
    transcribe_bucket: str = "transcribe-output"
    progress: bool = True


@dataclass
class GenerateSummary:
    calls: int = 0
    scorecards: int = 0
    events: Counter[str] = field(default_factory=Counter)
    final_items: Counter[str] = field(default_factory=Counter)
    transcripts: int = 0
    first_day: str = ""
    last_day: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "scorecards": self.scorecards,
            "events": dict(sorted(self.events.items())),
            "final_items": dict(self.final_items),
            "transcripts": self.transcripts,
            "first_day": self.first_day,
            "last_day": self.last_day,
        }


def stream_arn(table: str, label: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/{label}"


class _RollingGzip:
    """JSON lines in gzip parts of at most ``RECORDS_PER_PART`` lines."""

    def __init__(self, directory: Path, prefix: str = "part") -> None:
        self.directory = directory
        self.prefix = prefix
        self.part = 0
        self.lines = 0
        self.files: list[tuple[str, int]] = []
        self.handle: gzip.GzipFile | None = None
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, line: bytes) -> None:
        if self.handle is None or self.lines >= RECORDS_PER_PART:
            self.close()
            name = f"{self.prefix}-{self.part:05d}.jsonl.gz"
            self.handle = gzip.GzipFile(self.directory / name, "wb", compresslevel=1)
            self.files.append((name, 0))
            self.part += 1
            self.lines = 0
        handle = self.handle
        handle.write(line)
        handle.write(b"\n")
        self.lines += 1
        name, count = self.files[-1]
        self.files[-1] = (name, count + 1)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass(order=True)
class _Event:
    at_ms: int
    order: int
    table: str = field(compare=False)
    name: str = field(compare=False)
    keys: bytes = field(compare=False)
    new: bytes | None = field(compare=False)
    old: bytes | None = field(compare=False)


class Generator:
    def __init__(self, paths: DataPaths, options: GenerateOptions) -> None:
        self.paths = paths
        self.options = options
        self.rng = random.Random(options.seed)
        self.first_day = options.end_date - timedelta(days=options.days - 1)
        self.cutoff = datetime(
            options.end_date.year, options.end_date.month, options.end_date.day, tzinfo=UTC
        ) + timedelta(days=1)
        self.centre: ContactCentre = build_centre(
            self.rng, options.calls / max(1, options.days), options.days
        )
        self.summary = GenerateSummary(
            first_day=self.first_day.isoformat(), last_day=options.end_date.isoformat()
        )
        self.heap: list[_Event] = []
        self.order = 0
        label = datetime(self.first_day.year, self.first_day.month, self.first_day.day, tzinfo=UTC)
        self.labels = {t: label.strftime("%Y-%m-%dT%H:%M:%S.000") for t in TABLE_KEYS}
        self.sequence = {t: 10**20 + i * 10**19 for i, t in enumerate(TABLE_KEYS)}
        self.streams = {t: _RollingGzip(paths.stream / t) for t in TABLE_KEYS}
        self.exports = {t: _RollingGzip(paths.export / t / "data") for t in TABLE_KEYS}

    # ---- scheduling -------------------------------------------------------------------------------------------
    def _schedule(
        self, at: datetime, table: str, name: str, keys: bytes, new: bytes | None, old: bytes | None
    ) -> None:
        self.order += 1
        heapq.heappush(self.heap, _Event(int(at.timestamp() * 1000), self.order, table, name, keys, new, old))

    def _history(self, table: str, key: str, versions: list[tuple[datetime, dict[str, Any] | None]]) -> None:
        """Schedule INSERT, MODIFYs and maybe a REMOVE for one item; export its final state."""
        keys = orjson.dumps({TABLE_KEYS[table]: {"S": key}})
        previous: bytes | None = None
        for at, image in versions:
            if at >= self.cutoff:  # history ends with the last generated day: later changes have not happened
                break
            if image is None:
                self._schedule(at, table, "REMOVE", keys, None, previous)
                previous = None
                continue
            encoded = orjson.dumps(
                typed_item(image)
            )  # each version is encoded once, reused as the next old image
            self._schedule(at, table, "INSERT" if previous is None else "MODIFY", keys, encoded, previous)
            previous = encoded
        if previous is not None:
            self.exports[table].write(b'{"Item":' + previous + b"}")
            self.summary.final_items[table] += 1

    def _flush(self, before_ms: int | None) -> None:
        while self.heap and (before_ms is None or self.heap[0].at_ms < before_ms):
            event = heapq.heappop(self.heap)
            self.sequence[event.table] += self.rng.randint(1, 900)
            seq = str(self.sequence[event.table])
            event_id = hashlib.md5(f"{event.table}{seq}".encode(), usedforsecurity=False).hexdigest()
            ddb = (
                b'{"ApproximateCreationDateTime":'
                + str(event.at_ms // 1000).encode()
                + b',"Keys":'
                + event.keys
                + (b',"NewImage":' + event.new if event.new is not None else b"")
                + (b',"OldImage":' + event.old if event.old is not None else b"")
                + b',"SequenceNumber":"'
                + seq.encode()
                + b'","SizeBytes":'
                + str(len(event.new or event.old or b"") + len(event.keys)).encode()
                + b',"StreamViewType":"NEW_AND_OLD_IMAGES"}'
            )
            record = (
                b'{"eventID":"'
                + event_id.encode()
                + b'","eventName":"'
                + event.name.encode()
                + b'","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"'
                + REGION.encode()
                + b'","dynamodb":'
                + ddb
                + b',"eventSourceARN":"'
                + stream_arn(event.table, self.labels[event.table]).encode()
                + b'"}'
            )
            self.streams[event.table].write(record)
            self.summary.events[f"{event.table}.{event.name}"] += 1

    # ---- generation -------------------------------------------------------------------------------------------
    def _day_counts(self) -> list[int]:
        weights = [
            WEEKDAY_WEIGHT[(self.first_day + timedelta(days=d)).weekday()] for d in range(self.options.days)
        ]
        scale = self.options.calls / sum(weights)
        counts, carry = [], 0.0
        for w in weights:
            carry += w * scale
            n = int(carry)
            counts.append(n)
            carry -= n
        counts[-1] += self.options.calls - sum(counts)
        return counts

    def _start_times(self, day: date, count: int) -> list[datetime]:
        base = datetime(day.year, day.month, day.day, tzinfo=UTC)
        hours = self.rng.choices(range(24), weights=HOUR_WEIGHT, k=count)
        return sorted(base + timedelta(hours=h, seconds=self.rng.randrange(3600)) for h in hours)

    def _pick_agent(self, outbound_roll: float) -> tuple[Any, str]:
        if outbound_roll < 0.1:
            team = "Outbound Sales"
        else:
            queue = self.rng.choices(QUEUES, weights=[q.share for q in QUEUES])[0].name
            teams = [(t, s) for t, q, s, out in TEAMS if q == queue and not out]
            team = self.rng.choices([t for t, _ in teams], weights=[s for _, s in teams])[0]
        agent = self.rng.choice(self.centre.agents_by_team[team])
        direction = "OUTBOUND" if agent.outbound or outbound_roll > 0.95 else "INBOUND"
        return agent, direction

    def _call(self, started_at: datetime, day_index: int) -> None:
        rng = self.rng
        agent, direction = self._pick_agent(rng.random())
        call = generate_call(
            rng, agent, started_at, direction, self.options.transcribe_bucket, self.options.transcripts
        )
        self.summary.calls += 1
        if call.transcript is not None:
            target = self.paths.transcribe / "analytics" / f"{call.item['job_name']}.json"
            target.write_bytes(orjson.dumps(call.transcript))
            self.summary.transcripts += 1
        removed_at = self._call_history(call)
        if call.item["status"] == "COMPLETED":
            self._evaluations(call, day_index, removed_at)

    def _call_history(self, call: GeneratedCall) -> datetime | None:
        """Schedule the call's changes; return when it is deleted, if it is."""
        rng = self.rng
        item = call.item
        inserted = call.ended_at + timedelta(seconds=rng.randint(60, 420))
        versions: list[tuple[datetime, dict[str, Any] | None]] = [(inserted, item)]
        current = item
        if rng.random() < 0.22:  # the post-call survey answer arrives later
            at = inserted + timedelta(minutes=rng.randint(20, 2880))
            current = {
                **current,
                "customer_satisfaction": int(
                    clip(round(3 + 0.55 * call.customer_end_sentiment + rng.gauss(0, 0.7)), 1, 5)
                ),
                "updated_at": iso(at),
            }
            versions.append((at, current))
        if "summary" in current and rng.random() < 0.04:  # summary regenerated after a model update
            at = versions[-1][0] + timedelta(hours=rng.randint(2, 96))
            summary = {**current["summary"], "text": current["summary"]["text"] + " (regenerated)"}
            current = {**current, "summary": summary, "updated_at": iso(at)}
            versions.append((at, current))
        removed_at = None
        if rng.random() < 0.005:  # erasure request or test call removed
            removed_at = versions[-1][0] + timedelta(hours=rng.randint(1, 240))
            versions.append((removed_at, None))
        self._history("calls", item["call_id"], versions)
        return removed_at

    def _evaluation_history(
        self,
        item: dict[str, Any],
        versions: list[tuple[datetime, dict[str, Any] | None]],
        call_removed_at: datetime | None,
    ) -> None:
        """An evaluation's versions; it is deleted with its call (erasure cascades to the QA record)."""
        if call_removed_at is not None:
            at = max(call_removed_at, versions[-1][0]) + timedelta(minutes=5)
            versions = [*(v for v in versions if v[1] is not None), (at, None)]
        self._history("scorecards", item["evaluation_id"], versions)

    def _evaluations(self, call: GeneratedCall, day_index: int, call_removed_at: datetime | None) -> None:
        rng = self.rng
        form = form_for(self.centre.forms, call.agent.queue, day_index)
        if rng.random() < 0.25:  # automated evaluation shortly after the call
            start = call.ended_at + timedelta(minutes=rng.randint(5, 40))
            evaluation = generate_evaluation(
                rng, call, form, automated=True, evaluator="", started_at=start, draft=False
            )
            self.summary.scorecards += 1
            self._evaluation_history(evaluation.item, [(start, evaluation.item)], call_removed_at)
        manual_chance = 0.08 + (0.08 if call.customer_end_sentiment < -1 else 0)
        if rng.random() < manual_chance:
            start = call.ended_at + timedelta(hours=rng.randint(4, 96))
            draft = rng.random() < 0.2
            evaluator = rng.choice(self.centre.evaluators)
            evaluation = generate_evaluation(
                rng, call, form, automated=False, evaluator=evaluator, started_at=start, draft=draft
            )
            self.summary.scorecards += 1
            item = evaluation.item
            versions: list[tuple[datetime, dict[str, Any] | None]] = [(start, item)]
            if draft:  # submitted later
                at = start + timedelta(hours=rng.randint(2, 48))
                item = {**item, "status": "SUBMITTED", "submitted_at": iso(at), "updated_at": iso(at)}
                versions.append((at, item))
            if rng.random() < 0.03 and not item["score"]["automatic_fail"]:  # calibration corrects the score
                at = versions[-1][0] + timedelta(hours=rng.randint(24, 120))
                pct = round(clip(item["score"]["percentage"] + rng.choice([-10, -5, 5, 10]), 0, 100), 2)
                item = {**item, "score": {**item["score"], "percentage": pct}, "updated_at": iso(at)}
                versions.append((at, item))
            if rng.random() < 0.01:  # an evaluation entered by mistake is deleted
                versions.append((versions[-1][0] + timedelta(hours=rng.randint(1, 72)), None))
            self._evaluation_history(evaluation.item, versions, call_removed_at)

    def run(self) -> GenerateSummary:
        counts = self._day_counts()
        (self.paths.transcribe / "analytics").mkdir(parents=True, exist_ok=True)
        with tqdm(
            total=self.options.calls,
            unit="call",
            desc="generate",
            disable=not self.options.progress,
            mininterval=0.5,
        ) as bar:
            for day_index, count in enumerate(counts):
                day = self.first_day + timedelta(days=day_index)
                for started_at in self._start_times(day, count):
                    self._call(started_at, day_index)
                bar.update(count)
                next_day = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
                self._flush(int(next_day.timestamp() * 1000))
        self._flush(None)
        for writer in (*self.streams.values(), *self.exports.values()):
            writer.close()
        for table, writer in self.exports.items():
            manifest = self.paths.export / table / "manifest-files.json"
            manifest.write_text(
                "".join(
                    json.dumps({"itemCount": n, "dataFileS3Key": f"data/{name}"}) + "\n"
                    for name, n in writer.files
                )
            )
        (self.paths.root / "source" / "summary.json").write_text(json.dumps(self.summary.as_dict(), indent=2))
        return self.summary


def generate(paths: DataPaths, options: GenerateOptions) -> GenerateSummary:
    """Write a fresh synthetic dataset under ``paths`` (the previous source data and transcripts are replaced)."""
    if options.calls < 1 or options.days < 1:
        raise ValueError("--calls and --days must be at least 1")
    for old in (paths.root / "source", paths.transcribe):
        if old.exists():
            shutil.rmtree(old)
    return Generator(paths, options).run()


def read_stream(paths: DataPaths, table: str) -> Iterator[dict[str, Any]]:
    """The generated change feed of one table, in order, as Lambda-shaped stream records."""
    for part in sorted((paths.stream / table).glob("part-*.jsonl.gz")):
        with gzip.open(part, "rb") as handle:
            for line in handle:
                yield orjson.loads(line)


def typed_value(value: Any) -> dict[str, Any]:
    return typed(value)
