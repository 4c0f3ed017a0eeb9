"""The estimation logic of `bench/athena_scan.py` (the benchmark itself runs in `make bench`): column sizes
from Parquet metadata, the scans of a DuckDB plan, scaling, partition windows, and the metrics it derives
from a manifest's semantic models."""

from __future__ import annotations

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
        )
    ]
    assert scan.plan_scans(plan) == [
        scan.Scan("raw", "calls", ("keys", "new_image"), True),
        scan.Scan("raw", "scorecards", ("keys",), False),
        scan.Scan("state", "calls", ("call_id", "team"), False, "hot"),
        scan.Scan("state", "calls", ("team",), False, "cold"),
        scan.Scan("state", "scorecards", ("x",), False, "all"),
    ]
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


def test_windows_and_cost() -> None:
    # watermark up to a day old, minus 60 min reprocess and 24 h lag: four days of partitions at most
    assert scan.partition_days(60, 24, 1440) == 4
    assert scan.partition_days(60, 24, 15) == 3
    assert scan.ingestion_days(60, 1440) == pytest.approx(25 / 24)
    # Athena bills 10 MB at least; $5 per TB
    assert scan.cost_per_thousand([1e6, 1e12]) == pytest.approx(1000 * (1e7 + 1e12) / 2 / 1e12 * 5)


def test_metrics_become_queries_over_their_semantic_models() -> None:
    manifest = {
        "semantic_models": {
            "semantic_model.p.calls": {
                "name": "calls",
                "node_relation": {"alias": "calls", "schema_name": "post_call_analytics"},
                "defaults": {"agg_time_dimension": "call_date"},
                "measures": [
                    {"name": "call_count", "agg": "count", "expr": "call_id"},
                    {"name": "handle_time", "agg": "average", "expr": "handle_time_seconds"},
                ],
                "dimensions": [{"name": "call_date", "type": "time", "expr": None}],
            },
            "semantic_model.p.scorecards": {
                "name": "scorecards",
                "node_relation": {"alias": "scorecards", "schema_name": "post_call_analytics"},
                "defaults": {"agg_time_dimension": "evaluation_date"},
                "measures": [{"name": "fails", "agg": "sum_boolean", "expr": "is_automatic_fail"}],
                "dimensions": [{"name": "evaluation_date", "type": "time"}],
            },
        },
        "metrics": {
            "metric.p.calls": {
                "name": "calls",
                "type": "simple",
                "type_params": {"measure": {"name": "call_count"}},
            },
            "metric.p.fails_per_call": {
                "name": "fails_per_call",
                "type": "ratio",
                "type_params": {"numerator": {"name": "fails"}, "denominator": {"name": "calls"}},
            },
            "metric.p.derived": {
                "name": "derived",
                "type": "derived",
                "type_params": {"metrics": [{"name": "calls"}], "input_measures": [{"name": "handle_time"}]},
            },
        },
    }
    questions = {q.name: q for q in scan.metric_questions(json.loads(json.dumps(manifest)))}
    assert questions["calls"].sql == (
        "select date_trunc('day', call_date), count(call_id) from post_call_analytics.calls group by 1",
    )
    assert questions["derived"].sql == (
        "select date_trunc('day', call_date), avg(handle_time_seconds), count(call_id) "
        "from post_call_analytics.calls group by 1",
    )
    # a ratio over a measure and another metric: one query per semantic model it reads
    assert questions["fails_per_call"].sql == (
        "select date_trunc('day', call_date), count(call_id) from post_call_analytics.calls group by 1",
        "select date_trunc('day', evaluation_date), sum(cast(is_automatic_fail as integer)) "
        "from post_call_analytics.scorecards group by 1",
    )
    assert {q.kind for q in questions.values()} == {"metric"}
    assert scan.metric_questions({}) == []
