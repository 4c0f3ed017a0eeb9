"""The estimation logic of `bench/athena_scan.py` (the benchmark itself runs in `make bench`): column sizes
from Parquet metadata, the scans of a DuckDB plan, scaling, partition windows, and the metrics it derives
from a manifest's semantic models."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "athena_scan.py"
    spec = importlib.util.spec_from_file_location("bench_athena_scan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


scan = _load()


def test_column_sizes_come_from_the_parquet_footers_with_nested_leaves_summed(tmp_path: Path) -> None:
    table = pa.table(
        {
            "call_id": [f"call-{i:05d}" for i in range(1000)],
            "insight_list": [[{"text": "x" * (i % 50), "kind": "ISSUE"}] for i in range(1000)],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet", compression="zstd")
    pq.write_table(table.slice(0, 10), tmp_path / "b.parquet", compression="zstd")
    sizes = scan.parquet_sizes(duckdb.connect(), str(tmp_path / "*.parquet"))
    assert sizes.rows == 1010
    assert set(sizes.column_bytes) == {"call_id", "insight_list"}
    metadata = [pq.ParquetFile(tmp_path / name).metadata for name in ("a.parquet", "b.parquet")]
    leaves = sum(
        m.row_group(g).column(c).total_compressed_size
        for m in metadata
        for g in range(m.num_row_groups)
        for c in range(m.num_columns)
        if m.row_group(g).column(c).path_in_schema.startswith("insight_list")
    )
    assert sizes.column_bytes["insight_list"] == leaves
    assert sizes.bytes_per_row(["call_id"]) == sizes.column_bytes["call_id"] / 1010
    with pytest.raises(KeyError):
        sizes.bytes_per_row(["no_such_column"])


def _node(name: str, info: dict[str, Any], *children: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "extra_info": info, "children": list(children)}


def test_plan_scans_tell_state_tables_change_log_tables_pruning_and_the_lookback_split() -> None:
    plan = [
        _node(
            "UNION",
            {},
            _node(
                "PROJECTION",
                {"Projections": ["json_extract_string(keys, '$.call_id')"]},
                _node(
                    "READ_PARQUET",
                    {"Projections": ["keys", "new_image"], "File Filters": "(dt >= '2026-11-29')"},
                ),
            ),
            _node(
                "PROJECTION",
                {"Projections": ["json_extract_string(keys, '$.evaluation_id')", "item '$.call_id'"]},
                _node("READ_PARQUET", {"Projections": "keys"}),
            ),
            _node(
                "SEQ_SCAN ",
                {
                    "Table": "warehouse.post_call_analytics_intermediate.int_calls_deduplicated",
                    "Projections": ["call_id", "team"],
                    "Filters": "started_at>='2026-10-30 00:00:00'::TIMESTAMP",
                },
            ),
            _node(
                "SEQ_SCAN ",
                {
                    "Table": "warehouse.post_call_analytics_intermediate.int_calls_deduplicated",
                    "Projections": "team",
                    "Filters": "started_at<'2026-10-30 00:00:00'::TIMESTAMP",
                },
            ),
            _node(
                "SEQ_SCAN ",
                {
                    "Table": "warehouse.post_call_analytics_intermediate.int_scorecards_deduplicated",
                    "Projections": "x",
                },
            ),
            # a mart's stored rows: before the split, whether or not the plan kept the split's filter; a count
            # reads no column
            _node(
                "SEQ_SCAN ",
                {
                    "Table": "warehouse.post_call_analytics_intermediate.int_call_insights_stored",
                    "Projections": ["call_id"],
                },
            ),
            _node(
                "SEQ_SCAN ",
                {
                    "Table": "warehouse.post_call_analytics_intermediate.int_scorecards_stored",
                    "Projections": "",
                    "Filters": "started_at<'2026-10-30 00:00:00'::TIMESTAMP",
                },
            ),
        )
    ]
    assert scan.plan_scans(plan) == [
        scan.Scan("raw", "calls", ("keys", "new_image"), True),
        scan.Scan("raw", "scorecards", ("keys",), False),
        scan.Scan("state", "calls", ("call_id", "team"), False, "hot"),
        scan.Scan("state", "calls", ("team",), False, "cold", (None, None), dt.date(2026, 10, 30)),
        scan.Scan("state", "scorecards", ("x",), False, "all"),
        scan.Scan("state", "call_insights_stored", ("call_id",), False, "cold"),
        scan.Scan("state", "scorecards_stored", (), False, "cold", (None, None), dt.date(2026, 10, 30)),
    ]
    with pytest.raises(ValueError, match="stored table the model does not know"):
        scan.plan_scans([_node("SEQ_SCAN", {"Table": "warehouse.post_call_analytics.calls_copy"})])
    with pytest.raises(ValueError, match="which change-log table"):
        scan.plan_scans([_node("READ_PARQUET", {"Projections": "keys"})])


def test_bytes_scale_with_calls_and_pruned_scans_read_the_window_only() -> None:
    raw = scan.TableSizes(rows=2000, column_bytes={"keys": 20_000, "new_image": 800_000})
    state = scan.TableSizes(rows=1000, column_bytes={"call_id": 20_000, "team": 1_000})
    model = scan.LakeModel(
        calls=1000,
        raw={"calls": raw},
        current_state={"calls": state},
        history_days=365,
        window_days=1,
        lookback_days=36.5,
    )
    full = scan.Scan("raw", "calls", ("keys", "new_image", "dt"), False)
    assert scan.scan_bytes(full, model, 1_000_000) == pytest.approx(820_000 * 1000)
    pruned = scan.Scan("raw", "calls", ("keys", "new_image"), True)
    assert scan.scan_bytes(pruned, model, 1_000_000) == pytest.approx(820_000 * 1000 / 365)
    hot = scan.Scan("state", "calls", ("call_id", "team"), False, "hot")
    cold = scan.Scan("state", "calls", ("team",), False, "cold")
    assert scan.scan_bytes(hot, model, 10_000_000) == pytest.approx(21_000 * 10_000 * 0.1)
    assert scan.scan_bytes(cold, model, 10_000_000) == pytest.approx(1_000 * 10_000 * 0.9)
    assert model.lake_bytes(1_000_000) == pytest.approx((820_000 + 21_000) * 1000)
    # a mart's stored rows (sized as if every item's rows were stored) hold the items before the split only
    stored = scan.TableSizes(rows=3000, column_bytes={"call_id": 30_000, "insight_type": 3_000})
    model.current_state["call_insights_stored"] = stored
    assert model.lake_bytes(1_000_000) == pytest.approx((820_000 + 21_000 + 33_000 * 0.9) * 1000)
    count = scan.Scan("state", "call_insights_stored", (), False, "cold")
    assert scan.scan_bytes(count, model, 10_000_000) == 0
    types = scan.Scan("state", "call_insights_stored", ("insight_type",), False, "cold")
    assert scan.scan_bytes(types, model, 10_000_000) == pytest.approx(3_000 * 10_000 * 0.9)


def test_windows_and_cost() -> None:
    # watermark up to a day old, minus 60 min reprocess and 24 h lag: four days of partitions at most
    assert scan.partition_days(60, 24, 1440) == 4
    assert scan.partition_days(60, 24, 15) == 3
    assert scan.ingestion_days(60, 1440) == pytest.approx(25 / 24)
    # Athena bills 10 MB at least; $5 per TB
    assert scan.cost_per_thousand([1e6, 1e12]) == pytest.approx(1000 * (1e7 + 1e12) / 2 / 1e12 * 5)


def _cold_scan(filters: str = "started_at<'2026-10-30 00:00:00'::TIMESTAMP") -> dict[str, Any]:
    return _node(
        "SEQ_SCAN ",
        {
            "Table": "warehouse.post_call_analytics_intermediate.int_calls_deduplicated",
            "Projections": ["started_at", "team"],
            "Filters": [filters, "(NOT is_removed)"],
        },
    )


def test_a_period_bound_reaches_the_cold_scan_through_projections_unions_and_unnests_only() -> None:
    period = "((call_date >= '2026-06-01'::DATE) AND (call_date < '2026-07-01'::DATE))"
    through = [
        _node(
            "FILTER",
            {"Expression": period},
            _node("PROJECTION", {}, _node("UNNEST", {}, _node("UNION", {}, _cold_scan()))),
        )
    ]
    (cold,) = scan.plan_scans(through)
    assert cold.days == (dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert cold.cold_until == dt.date(2026, 10, 30)
    # above a join the bound may be the other side's: no credit
    (blocked,) = scan.plan_scans(
        [_node("FILTER", {"Expression": period}, _node("HASH_JOIN", {}, _cold_scan()))]
    )
    assert blocked.days == (None, None)
    # an OR is not a bound on the partitions
    (either,) = scan.plan_scans(
        [_node("FILTER", {"Expression": period.replace("AND", "OR")}, _node("UNION", {}, _cold_scan()))]
    )
    assert either.days == (None, None)


def test_day_bounds_read_dates_timestamps_and_the_marts_date_aliases() -> None:
    assert scan.DATE_ALIASES["call_date"] == "started_at"
    # the marts' stored rows are partitioned by day of their item's start
    assert {
        "calls": "started_at",
        "scorecards": "started_at",
        **{
            f"{mart}_stored": "started_at"
            for mart in (
                "call_categories",
                "call_insights",
                "scorecard_answers",
                "scorecard_sections",
                "scorecards",
            )
        },
    } == scan.PARTITION_COLUMNS
    assert scan.day_bounds(
        [
            "(CAST(started_at AS DATE) > '2026-01-01'::DATE) AND (CAST(started_at AS DATE) <= '2026-01-31'::DATE)"
        ],
        "started_at",
    ) == (dt.date(2026, 1, 2), dt.date(2026, 2, 1))
    # a time after midnight still lies in that day's partition
    assert scan.day_bounds(
        ["started_at >= '2026-01-01 10:00:00'::TIMESTAMP", "started_at < '2026-01-05 06:00:00'::TIMESTAMP"],
        "started_at",
    ) == (dt.date(2026, 1, 1), dt.date(2026, 1, 6))
    assert scan.day_bounds(["started_at < '2026-01-05 00:00:00'::TIMESTAMP"], "started_at") == (
        None,
        dt.date(2026, 1, 5),
    )
    assert scan.day_bounds(["evaluation_date >= '2026-01-01'::DATE"], "started_at") == (None, None)


def test_the_cold_part_is_priced_by_the_day_partitions_a_question_keeps() -> None:
    state = scan.TableSizes(rows=1000, column_bytes={"team": 1_000})
    model = scan.LakeModel(
        calls=1000,
        raw={},
        current_state={"calls": state},
        history_days=365,
        window_days=1,
        lookback_days=65,
        today=dt.date(2026, 12, 31),
    )
    cold_until = dt.date(2026, 10, 27)  # 300 cold days from 2026-01-01
    every = scan.Scan("state", "calls", ("team",), False, "cold", (None, None), cold_until)
    assert scan.scan_bytes(every, model, 1000) == pytest.approx(1000 * 300 / 365)
    month = scan.Scan(
        "state", "calls", ("team",), False, "cold", (dt.date(2026, 3, 1), dt.date(2026, 3, 31)), cold_until
    )
    assert scan.scan_bytes(month, model, 1000) == pytest.approx(1000 * 300 / 365 * 30 / 300)
    recent = scan.Scan("state", "calls", ("team",), False, "cold", (dt.date(2026, 11, 1), None), cold_until)
    assert scan.scan_bytes(recent, model, 1000) == 0


def test_misses_name_each_target() -> None:
    lake = 100e9
    assert scan.misses(0.5e9, lake) == []
    assert scan.misses(1.05e9, lake) == ["1% of the lake"]
    assert scan.misses(float(1 << 30), 1000e9) == ["1 GB cutoff"]
    assert scan.misses(2e9, lake) == ["1 GB cutoff", "1% of the lake"]


def test_metrics_are_compiled_by_metricflow_alone_and_by_their_most_common_dimension_and_month() -> None:
    artifact = Path(__file__).resolve().parents[2] / "lambdas" / "athena_executor" / "artifacts"
    document = json.loads((artifact / "semantic_manifest.json").read_text(encoding="utf-8"))
    verified = [
        "select c.team, count(*) from post_call_analytics.calls as c group by c.team order by 2",
        "select s.team, avg(s.score_percent) from post_call_analytics.scorecards as s group by s.team",
        "select c.queue, count(*) from post_call_analytics.calls as c group by c.queue",
    ]
    questions = {q.name: q for q in scan.metric_questions(document, verified)}
    # every metric an analyst may ask for; one that is only another's input (a sum of squares) is never asked
    metrics = {m["name"] for m in document["metrics"] if not m["config"]["meta"].get("input_only")}
    assert len(questions) == 2 * len(metrics)
    assert "stddev_qa_score" in questions and "qa_score_squared_sum" not in questions
    assert {q.kind for q in questions.values()} == {"metric"}
    (alone,) = questions["average_handle_time"].sql
    assert "post_call_analytics.calls" in alone and "GROUP BY" not in alone.upper()
    (grouped,) = questions["average_handle_time by team, month"].sql
    assert "DATE_TRUNC('MONTH'" in grouped.upper() and "team" in grouped
    # a metric asked over all data only is never asked by month: the chain refuses that, so it is not priced
    assert "evaluated_call_rate by team, month" not in questions
    (by_team,) = questions["evaluated_call_rate by team"].sql
    assert "DATE_TRUNC" not in by_team.upper() and "team" in by_team
    assert scan.metric_questions({"metrics": []}) == []
