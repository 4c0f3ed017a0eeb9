"""dbt build on DuckDB at volume: views vs the incremental scale switch vs an incremental run after 1% new changes.

Writes a raw change log (the stream processor's Parquet contract) for BENCH_CALLS calls (default 1,000,000) with
their evaluations — inserts, later modifications and some removals, item shapes as in docs/source-tables.md —
then times, each in its own process (wall time and peak RSS):

  1. `dbt build` with views (the default): models, unit tests, contracts, data tests;
  2. `dbt build --full-refresh` with `materialize_current_state: true` (incremental tables built from scratch);
  3. 1% new changes appended to the lake, then `dbt build` with the switch on (an incremental merge).

    python bench/dbt_build.py            # BENCH_CALLS=1000000 BENCH_DIR=build/bench-dbt
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lambdas.stream_processor.lake import RAW_SCHEMA  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "1000000"))
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "build" / "bench-dbt")).resolve()
DAYS = 90
START = datetime(2026, 5, 1)
TEAMS = [
    ("Billing East", "Billing"),
    ("Billing West", "Billing"),
    ("Retention", "Retention"),
    ("Tech", "Support"),
]
CATEGORIES = ["long-silence", "escalation-request", "cancellation-intent", "positive-resolution", "billing"]
FORMS = [("form-customer-service", "Customer Service Quality"), ("form-sales-compliance", "Sales Compliance")]


class ChangeLog:
    """Raw change-log rows grouped by (table, day); flushed as one Parquet file per group."""

    def __init__(self, lake: Path, run: str) -> None:
        self.lake, self.run = lake, run
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.sequence = 10**20
        self.count = 0

    def add(
        self, table: str, key: dict[str, str], name: str, at: datetime, image: dict[str, Any] | None
    ) -> None:
        self.sequence += random.randint(1, 1000)
        self.count += 1
        self.rows[(table, f"{at:%Y-%m-%d}")].append(
            {
                "event_id": f"{self.run}-{self.count}",
                "event_name": name,
                "event_source": "stream",
                "event_at": at,
                "sequence_number": str(self.sequence).zfill(40),
                "keys": orjson.dumps(key).decode(),
                "new_image": orjson.dumps(image).decode() if image is not None else None,
                "old_image": None,
                "ingested_at": at + timedelta(seconds=2),
            }
        )

    def flush(self, ingested_at: datetime | None = None) -> None:
        for (table, day), rows in self.rows.items():
            if ingested_at is not None:
                for row in rows:
                    row["ingested_at"] = ingested_at
            folder = self.lake / table / f"dt={day}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows, schema=RAW_SCHEMA), folder / f"{self.run}.parquet")
        self.rows.clear()


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def call_item(n: int, started: datetime, rng: random.Random) -> dict[str, Any]:
    duration = rng.randint(60_000, 1_200_000)
    agent = rng.randrange(200)
    team, queue = TEAMS[agent % len(TEAMS)]
    quarter = duration // 4

    def quarters() -> list[dict[str, Any]]:
        return [
            {
                "Score": round(rng.uniform(-5, 5), 1),
                "BeginOffsetMillis": q * quarter,
                "EndOffsetMillis": (q + 1) * quarter,
            }
            for q in range(4)
        ]

    return {
        "call_id": f"call-{n:08d}",
        "job_name": f"job-{n:08d}",
        "direction": "INBOUND" if rng.random() < 0.8 else "OUTBOUND",
        "channel": "VOICE",
        "language_code": "en-US",
        "agent_id": f"agent-{agent:04d}",
        "agent_name": f"Agent {agent}",
        "team": team,
        "queue": queue,
        "customer_id": f"cust-{rng.randrange(300_000):08d}",
        "started_at": iso(started),
        "ended_at": iso(started + timedelta(milliseconds=duration)),
        "duration_ms": duration,
        "queue_wait_ms": rng.randint(0, 300_000),
        "hold_time_ms": rng.randint(0, 120_000),
        "after_call_work_ms": rng.randint(0, 180_000),
        "status": "COMPLETED",
        "transcript_uri": f"s3://transcribe-output/analytics/job-{n:08d}.json",
        "categories": sorted(rng.sample(CATEGORIES, rng.randint(0, 3))) or None,
        "conversation_characteristics": {
            "TotalConversationDurationMillis": duration,
            "NonTalkTime": {"TotalTimeMillis": duration // rng.randint(5, 20), "Instances": []},
            "Interruptions": {
                "TotalCount": 2,
                "TotalTimeMillis": 4_000,
                "InterruptionsByInterrupter": {
                    "AGENT": [
                        {"BeginOffsetMillis": 1_000, "EndOffsetMillis": 3_000, "DurationMillis": 2_000}
                    ],
                    "CUSTOMER": [
                        {"BeginOffsetMillis": 9_000, "EndOffsetMillis": 11_000, "DurationMillis": 2_000}
                    ],
                },
            },
            "Sentiment": {
                "OverallSentiment": {
                    "AGENT": round(rng.uniform(-5, 5), 1),
                    "CUSTOMER": round(rng.uniform(-5, 5), 1),
                },
                "SentimentByPeriod": {"QUARTER": {"AGENT": quarters(), "CUSTOMER": quarters()}},
            },
            "TalkSpeed": {
                "DetailsByParticipant": {
                    "AGENT": {"AverageWordsPerMinute": rng.randint(120, 190)},
                    "CUSTOMER": {"AverageWordsPerMinute": rng.randint(100, 200)},
                }
            },
            "TalkTime": {
                "TotalTimeMillis": duration * 3 // 4,
                "DetailsByParticipant": {
                    "AGENT": {"TotalTimeMillis": duration * 2 // 5},
                    "CUSTOMER": {"TotalTimeMillis": duration * 7 // 20},
                },
            },
        },
        "insights": [
            {
                "insight_type": "ISSUE",
                "text": "I was charged twice this month",
                "participant_role": "CUSTOMER",
                "turn_begin_offset_ms": 5_000,
                "turn_end_offset_ms": 9_000,
                "character_begin": 0,
                "character_end": 30,
            },
            {
                "insight_type": "ACTION_ITEM",
                "text": "I will send you a refund confirmation",
                "participant_role": "AGENT",
                "turn_begin_offset_ms": duration - 20_000,
                "turn_end_offset_ms": duration - 15_000,
                "character_begin": 0,
                "character_end": 38,
            },
        ],
        "summary": {
            "topic": "billing dispute",
            "product": "mobile plan",
            "resolved": rng.random() < 0.7,
            "callback_required": rng.random() < 0.2,
            "text": "The customer disputed a double charge.",
        },
        "schema_version": 1,
        "updated_at": iso(started + timedelta(milliseconds=duration)),
    }


def scorecard_item(n: int, call: dict[str, Any], at: datetime, rng: random.Random) -> dict[str, Any]:
    form_id, form_title = FORMS[n % len(FORMS)]
    automatic_fail = rng.random() < 0.05
    questions = [
        {
            "question_ref_id": f"q{q}",
            "section_ref_id": f"s{q // 3}",
            "question_type": "SINGLESELECT",
            "text": f"Question {q}?",
            "weight": 34 if q % 3 else 32,
            "answer_value": "Yes",
            "answer_ref_id": f"o{q}",
            "score_percentage": rng.choice([0, 50, 100]),
            "not_applicable": False,
            "automatic_fail": False,
        }
        for q in range(6)
    ]
    return {
        "evaluation_id": f"eval-{n:08d}",
        "call_id": call["call_id"],
        "agent_id": call["agent_id"],
        "evaluator": "qa.sam",
        "evaluation_source": "MANUAL",
        "form_id": form_id,
        "form_title": form_title,
        "form_version": 1,
        "status": "SUBMITTED",
        "started_at": iso(at),
        "submitted_at": iso(at + timedelta(minutes=12)),
        "score": {
            "percentage": 0 if automatic_fail else rng.randint(40, 100),
            "automatic_fail": automatic_fail,
            "not_applicable": False,
        },
        "sections": [
            {"section_ref_id": f"s{s}", "title": f"Section {s}", "weight": 50, "score_percentage": 80}
            for s in range(2)
        ],
        "questions": questions,
        "updated_at": iso(at + timedelta(minutes=12)),
    }


def generate(lake: Path) -> tuple[int, list[dict[str, Any]]]:
    """The change log of CALLS calls; returns the number of events and a sample of items to modify later."""
    rng = random.Random(42)
    log = ChangeLog(lake, "base")
    sample: list[dict[str, Any]] = []
    for n in range(CALLS):
        started = START + timedelta(seconds=rng.randrange(DAYS * 86_400))
        call = call_item(n, started, rng)
        log.add("calls", {"call_id": call["call_id"]}, "INSERT", started + timedelta(minutes=25), call)
        if rng.random() < 0.3:  # summary regenerated later
            call = {**call, "summary": {**call["summary"], "resolved": not call["summary"]["resolved"]}}
            log.add("calls", {"call_id": call["call_id"]}, "MODIFY", started + timedelta(hours=3), call)
        if rng.random() < 0.002:
            log.add("calls", {"call_id": call["call_id"]}, "REMOVE", started + timedelta(days=2), None)
        if rng.random() < 0.3:
            evaluated = started + timedelta(days=1)
            card = scorecard_item(n, call, evaluated, rng)
            log.add(
                "scorecards",
                {"evaluation_id": card["evaluation_id"]},
                "INSERT",
                evaluated,
                {**card, "status": "DRAFT"},
            )
            log.add(
                "scorecards",
                {"evaluation_id": card["evaluation_id"]},
                "MODIFY",
                evaluated + timedelta(minutes=12),
                card,
            )
        if n % 100 == 0:
            sample.append(call)
        if (n + 1) % 200_000 == 0:
            log.flush()
            print(f"  {n + 1:,} calls written", flush=True)
    log.flush()
    return log.count, sample


def append_changes(lake: Path, sample: list[dict[str, Any]]) -> int:
    """1% of the calls modified now (a new queue), as one new batch of files."""
    now = datetime.now().replace(microsecond=0)
    log = ChangeLog(lake, f"late-{now:%H%M%S}")
    for call in sample:
        log.add("calls", {"call_id": call["call_id"]}, "MODIFY", now, {**call, "queue": "Escalations"})
    log.flush(ingested_at=now)
    return log.count


PEAK_PROBE = (
    "import resource, sys; from orchestration.cli import main; code = main(sys.argv[1:]); "
    "print('peak-rss-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)"
)


def run_dbt(label: str, data: Path, *extra: str) -> tuple[float, float]:
    """One `pca dbt build` in its own process: (wall seconds, peak RSS in GiB)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, "dbt", "build", "--data-dir", str(data), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    lines = (completed.stdout + completed.stderr).splitlines()
    if completed.returncode != 0:
        print("\n".join(lines[-60:]))
        raise SystemExit(f"{label} failed")
    summary = next((line for line in lines if line.startswith("dbt build:")), "")
    peak_kib = next(int(line.split()[1]) for line in lines if line.startswith("peak-rss-kib"))
    peak = peak_kib / 1024**2
    print(f"  {label:<38} {elapsed:7.1f} s   peak RSS {peak:5.2f} GiB   ({summary})", flush=True)
    return elapsed, peak


def main() -> None:
    data = BENCH_DIR / f"data-{CALLS}"
    lake = data / "lake"
    print(f"dbt build on DuckDB, {CALLS:,} calls with their evaluations ({os.cpu_count()} cores)")
    started = time.perf_counter()
    if lake.exists():
        import shutil

        shutil.rmtree(data)
    events, sample = generate(lake)
    print(f"  raw change log: {events:,} change events written in {time.perf_counter() - started:.0f} s")

    views, _ = run_dbt("1. full build, views (default)", data)
    full, _ = run_dbt(
        "2. full build, incremental switch", data, "--materialize-current-state", "--full-refresh"
    )
    changes = append_changes(lake, sample)
    print(f"  + {changes:,} new changes appended ({changes / CALLS:.1%} of the calls)")
    incremental, _ = run_dbt("3. incremental run after 1% changes", data, "--materialize-current-state")

    print()
    print(f"  full build (views) / incremental run:              {views / incremental:5.1f}x")
    print(f"  full build (incremental switch) / incremental run:  {full / incremental:5.1f}x")
    print(
        f"  targets: incremental run >= 10x faster than the full build; full build <= 120 s "
        f"(views {views:.0f} s, switch {full:.0f} s)"
    )


if __name__ == "__main__":
    main()
