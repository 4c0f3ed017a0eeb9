"""Estimated Athena bytes scanned per question at 1,000,000 and 10,000,000 calls, in both modes of the marts.

Athena bills and limits a query by the bytes it reads from S3: the compressed Parquet column chunks of the
columns the plan projects, in the partitions it does not prune. This benchmark builds the embedded project
twice over one generated lake — the default (marts are views over the whole JSON change log) and the scale
switch on (marts read the stored current state plus the change-log partitions since the last merge) — and for
every verified query (and every semantic-layer metric, when the project defines any) asks DuckDB for the plan,
collects each scan's projected columns, and prices them with the column sizes of the lake's Parquet files (the
change log as the stream processor writes it; the current-state tables exported as ZSTD Parquet, as Iceberg
stores them). Sizes scale linearly with calls; a pruned scan reads only the partitions of the last few days.

    python bench/athena_scan.py [--calls 3000] [--days 60] [--history-days 365] [--interval-minutes 1440]

Prints one row per question and the ratio between the modes, and whether every question of the switched
mode stays under the workgroup's 1 GB cutoff and 1% of the lake at 10,000,000 calls (`--check`: exit 1 when
not).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lambdas.shared import verified_queries  # noqa: E402

SCALES = (1_000_000, 10_000_000)
CUTOFF_BYTES = 1 << 30  # the analysts' workgroup cutoff (terraform: athena_bytes_scanned_cutoff)
LAKE_SHARE_TARGET = 0.01
PRICE_PER_TB = 5.0  # Athena, US regions
MIN_BILLED_BYTES = 10 * 1000**2  # Athena bills at least 10 MB per query
RAW_TABLES = ("calls", "scorecards")
KEY_PATHS = {"call_id": "calls", "evaluation_id": "scorecards"}
DBT_PROJECT = REPO / "dbt_project"
PROJECT_VARS = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


# ── Sizes ─────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class TableSizes:
    """Compressed bytes per top-level column and the row count of one table's Parquet files."""

    rows: int
    column_bytes: dict[str, int]

    def bytes_per_row(self, columns: Iterable[str]) -> float:
        if self.rows == 0:
            return 0.0
        unknown = [c for c in columns if c not in self.column_bytes and c != "dt"]
        if unknown:
            raise KeyError(f"no size for column(s) {unknown}")
        return sum(self.column_bytes.get(c, 0) for c in columns) / self.rows

    @property
    def total_bytes(self) -> int:
        return sum(self.column_bytes.values())


def parquet_sizes(connection: duckdb.DuckDBPyConnection, files: str) -> TableSizes:
    """Column chunk sizes of the Parquet files matching ``files`` (nested leaves summed into their column)."""
    chunks = connection.execute(
        "select path_in_schema, sum(total_compressed_size) from parquet_metadata(?) group by 1", [files]
    ).fetchall()
    ((rows,),) = connection.execute(
        "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)", [files]
    ).fetchall()
    column_bytes: dict[str, int] = defaultdict(int)
    for path, size in chunks:
        column_bytes[str(path).split(", ")[0]] += int(size)
    return TableSizes(int(rows), dict(column_bytes))


@dataclass
class LakeModel:
    """What the embedded lake measured, and how it grows: everything scales with calls, except the change-log
    partitions a fresh mart reads (the changes of `window_days` days at the scaled daily rate)."""

    calls: int
    raw: dict[str, TableSizes]
    current_state: dict[str, TableSizes]
    history_days: float
    window_days: float
    lookback_days: float = 31

    def factor(self, scale: int) -> float:
        return scale / self.calls

    def lake_bytes(self, scale: int) -> float:
        stored = sum(t.total_bytes for t in self.raw.values()) + sum(
            t.total_bytes for t in self.current_state.values()
        )
        return stored * self.factor(scale)


@dataclass(frozen=True)
class Scan:
    kind: str  # "raw" (change log) or "state" (a current-state table)
    table: str  # calls | scorecards
    columns: tuple[str, ...]
    pruned: bool  # raw: a partition filter on dt
    part: str = "all"  # state: "hot" (started in the merge lookback), "cold" (before it) or "all"


def scan_bytes(scan: Scan, model: LakeModel, scale: int) -> float:
    sizes = (model.raw if scan.kind == "raw" else model.current_state)[scan.table]
    rows = sizes.rows * model.factor(scale)
    if scan.kind == "raw" and scan.pruned:
        rows *= min(1.0, model.window_days / model.history_days)
    hot = min(1.0, model.lookback_days / model.history_days)
    if scan.part == "hot":
        rows *= hot
    elif scan.part == "cold":
        rows *= 1 - hot
    return sizes.bytes_per_row(scan.columns) * rows


def partition_days(reprocess_minutes: int, lag_hours: int, interval_minutes: int) -> int:
    """Days of change-log partitions a fresh mart reads at most: from the day of (watermark − reprocess − lag) to
    today, the watermark being up to one schedule interval old."""
    return math.ceil((reprocess_minutes + 60 * lag_hours + interval_minutes) / 1440) + 1


def ingestion_days(reprocess_minutes: int, interval_minutes: int) -> float:
    """Days of changes a fresh mart reads within those partitions: the files ingested since (watermark −
    reprocess). Each change-log file holds one ingestion time with min/max statistics, so Athena skips the
    older files' data on the literal `ingested_at` bound."""
    return (reprocess_minutes + interval_minutes) / 1440


# ── Plans ─────────────────────────────────────────────────────────────────────────────────────────────────

_KEY_EXTRACT = re.compile(r"keys, '\$\.(call_id|evaluation_id)'")
_STATE_TABLE = re.compile(r"int_(calls|scorecards)_deduplicated$")
# the lookback split of a current-state table (Iceberg prunes its day(started_at) partitions on Athena)
_HOT = re.compile(r"started_at\s*>=")
_COLD = re.compile(r"started_at\s*<(?!=)")


def _projections(info: Mapping[str, Any]) -> tuple[str, ...]:
    value = info.get("Projections", [])
    return (value,) if isinstance(value, str) else tuple(value)


def plan_scans(plan: Sequence[Mapping[str, Any]]) -> list[Scan]:
    """The scans of a DuckDB JSON plan: current-state table scans, and change-log reads (which raw table is
    told by the nearest operator above that extracts the key from `keys`)."""
    scans: list[Scan] = []

    def walk(node: Mapping[str, Any], ancestors: list[str]) -> None:
        name = str(node.get("name", "")).strip()
        info = node.get("extra_info", {}) or {}
        if name == "SEQ_SCAN":
            match = _STATE_TABLE.search(str(info.get("Table", "")))
            if match:
                filters = str(info.get("Filters", ""))
                part = "cold" if _COLD.search(filters) else "hot" if _HOT.search(filters) else "all"
                scans.append(Scan("state", match.group(1), _projections(info), False, part))
            elif "post_call_analytics" in str(info.get("Table", "")):
                raise ValueError(
                    f"a question reads a stored table the model does not know: {info.get('Table')}"
                )
        elif name == "READ_PARQUET":
            table = None
            for text in reversed(ancestors):
                found = _KEY_EXTRACT.search(text)
                if found:
                    table = KEY_PATHS[found.group(1)]
                    break
            if table is None:
                raise ValueError("cannot tell which change-log table a scan reads")
            pruned = "dt" in str(info.get("File Filters", ""))
            scans.append(Scan("raw", table, _projections(info), pruned))
        here = json.dumps(info)
        for child in node.get("children", []):
            walk(child, [*ancestors, here])

    for root in plan:
        walk(root, [])
    return scans


def explain(connection: duckdb.DuckDBPyConnection, sql: str) -> list[Scan]:
    ((_, text),) = connection.execute("explain (format json) " + sql).fetchall()
    return plan_scans(json.loads(text))


# ── Questions ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Question:
    name: str
    kind: str  # verified query | metric
    sql: tuple[str, ...]  # a metric over several semantic models is several queries


def verified_questions(today: dt.date) -> list[Question]:
    repository = verified_queries.load_repository("local")
    return [
        Question(query["name"], "verified query", (verified_queries.render(query, {}, today=today),))
        for query in repository.queries
    ]


_AGGREGATES = {
    "sum": "sum({})",
    "count": "count({})",
    "count_distinct": "count(distinct {})",
    "average": "avg({})",
    "min": "min({})",
    "max": "max({})",
    "sum_boolean": "sum(cast({} as integer))",
    "median": "median({})",
    "percentile": "median({})",
}


def metric_questions(manifest: Mapping[str, Any], schema: str = "post_call_analytics") -> list[Question]:
    """One question per semantic-layer metric: its measures aggregated by their time dimension (day), read from
    the mart each semantic model sits on — the columns a metric query reads."""
    models = {sm["name"]: sm for sm in manifest.get("semantic_models", {}).values()}
    measures: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for model in models.values():
        for measure in model.get("measures", []) or []:
            measures[measure["name"]] = (model, measure)
    metrics = {m["name"]: m for m in manifest.get("metrics", {}).values()}

    def inputs(metric: Mapping[str, Any], seen: frozenset[str] = frozenset()) -> list[str]:
        params = metric.get("type_params", {}) or {}
        names = [m["name"] for m in params.get("input_measures", []) or []]
        parents = [p["name"] for p in params.get("metrics", []) or []]
        for key in ("measure", "numerator", "denominator"):
            if isinstance(params.get(key), Mapping) and params[key].get("name"):
                # a measure, or (ratio metrics) another metric
                (parents if params[key]["name"] in metrics else names).append(params[key]["name"])
        for name in parents:
            if name in metrics and name not in seen:
                names += inputs(metrics[name], seen | {metric["name"]})
        return list(dict.fromkeys(n for n in names if n in measures))

    questions = []
    for name, metric in sorted(metrics.items()):
        by_model: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for measure_name in inputs(metric):
            model, measure = measures[measure_name]
            by_model[model["name"]].append(measure)
        statements = []
        for model_name, model_measures in sorted(by_model.items()):
            model = models[model_name]
            relation = model.get("node_relation", {}) or {}
            table = f"{relation.get('schema_name') or schema}.{relation.get('alias')}"
            dimensions = {d["name"]: d for d in model.get("dimensions", []) or []}
            time_name = model_measures[0].get("agg_time_dimension") or (model.get("defaults") or {}).get(
                "agg_time_dimension"
            )
            time_dimension = dimensions.get(time_name or "", {})
            time_expr = time_dimension.get("expr") or time_name
            selects = [
                _AGGREGATES.get(str(m.get("agg", "sum")), "sum({})").format(m.get("expr") or m["name"])
                for m in model_measures
            ]
            group = f"date_trunc('day', {time_expr})" if time_expr else None
            statements.append(
                f"select {', '.join([*([group] if group else []), *selects])} from {table}"
                + (" group by 1" if group else "")
            )
        if statements:
            questions.append(Question(name, "metric", tuple(statements)))
    return questions


# ── The embedded builds ───────────────────────────────────────────────────────────────────────────────────


def build_lake(root: Path, calls: int, days: int, seed: int) -> Any:
    from lambdas.stream_processor.backfill import DEFAULT_KEYS, from_export
    from lambdas.stream_processor.lake import Lake
    from orchestration.paths import data_paths
    from orchestration.replay import replay
    from orchestration.synthetic.feed import GenerateOptions, generate

    paths = data_paths(root)
    generate(
        paths, GenerateOptions(calls=calls, days=days, seed=seed, end_date=dt.date.today(), progress=False)
    )
    replay(paths, progress=False)
    lake = Lake.from_uri(str(paths.lake))
    for table, keys in DEFAULT_KEYS.items():
        from_export(str(paths.export / table), table, lake, key_names=keys, progress=False)
    return paths


def dbt_run(data_dir: Path, target: Path, switch: bool) -> None:
    from orchestration import dbt_runner

    # on DuckDB too: marts as views that split the stored state at the merge lookback, as on Athena
    dbt_vars = {
        "materialize_current_state": switch,
        "current_state_lookback_on_duckdb": switch,
        "current_state_fresh_marts_on_duckdb": switch,
    }
    result = dbt_runner.invoke(["run"], data_dir=data_dir, target_path=target, dbt_vars=dbt_vars, quiet=True)
    if not result.success:
        raise SystemExit(f"dbt run failed: {result.failures or result.error}")


@dataclass
class Estimate:
    question: Question
    views: dict[int, float] = field(default_factory=dict)
    fresh: dict[int, float] = field(default_factory=dict)


def estimate(
    questions: Sequence[Question],
    views: duckdb.DuckDBPyConnection,
    fresh: duckdb.DuckDBPyConnection,
    model: LakeModel,
) -> list[Estimate]:
    results = []
    for question in questions:
        row = Estimate(question)
        try:
            for connection, into in ((views, row.views), (fresh, row.fresh)):
                scans = [scan for sql in question.sql for scan in explain(connection, sql)]
                for scale in SCALES:
                    into[scale] = sum(scan_bytes(scan, model, scale) for scan in scans)
        except duckdb.Error as error:
            if question.kind != "metric":
                raise
            # a metric whose measure expression this reading of the manifest cannot turn into SQL
            print(f"skipped metric {question.name}: {error}".splitlines()[0], file=sys.stderr)
            continue
        results.append(row)
    return results


def cost_per_thousand(byte_counts: Iterable[float]) -> float:
    values = list(byte_counts)
    billed = [max(b, MIN_BILLED_BYTES) for b in values]
    return 1000 * sum(billed) / len(billed) / 1e12 * PRICE_PER_TB


def human(size: float) -> str:
    for unit, step in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= step:
            return f"{size / step:,.2f} {unit}"
    return f"{size:,.0f} B"


def report(results: Sequence[Estimate], model: LakeModel) -> bool:
    big = SCALES[-1]
    print(
        f"{'question':<40} {'kind':<15} "
        + " ".join(f"{'views ' + f'{s:,}':>16} {'fresh ' + f'{s:,}':>16}" for s in SCALES)
        + f" {'ratio':>8}"
    )
    for row in results:
        ratio = row.views[big] / row.fresh[big] if row.fresh[big] else math.inf
        print(
            f"{row.question.name:<40} {row.question.kind:<15} "
            + " ".join(f"{human(row.views[s]):>16} {human(row.fresh[s]):>16}" for s in SCALES)
            + f" {ratio:>7.0f}×"
        )
    ok = True
    for scale in SCALES:
        lake = model.lake_bytes(scale)
        views = [r.views[scale] for r in results]
        fresh = [r.fresh[scale] for r in results]
        worst = max(results, key=lambda r: r.fresh[scale])
        over = [r.question.name for r in results if r.views[scale] >= CUTOFF_BYTES]
        print(
            f"\n{scale:,} calls: lake {human(lake)} (change log + current state); "
            f"views: median {human(sorted(views)[len(views) // 2])}, max {human(max(views))}, "
            f"{len(over)} of {len(results)} questions over the 1 GB cutoff, ${cost_per_thousand(views):.2f} per 1,000 "
            f"questions; fresh: median {human(sorted(fresh)[len(fresh) // 2])}, max {human(max(fresh))} "
            f"({worst.question.name}, {100 * max(fresh) / lake:.2f}% of the lake), "
            f"${cost_per_thousand(fresh):.2f} per 1,000 questions; "
            f"total bytes ratio views/fresh {sum(views) / sum(fresh):.1f}×"
        )
        if scale == big:
            ok = max(fresh) < CUTOFF_BYTES and max(fresh) <= LAKE_SHARE_TARGET * lake
    print(
        f"\ntarget at {big:,} calls (every question < 1 GB and ≤ 1% of the lake, switch on): "
        + ("met" if ok else "NOT met")
    )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls in the embedded build (default 3000)")
    parser.add_argument("--days", type=int, default=60, help="days the embedded calls span (default 60)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--history-days", type=float, default=365, help="days the scaled lake's calls span (default 365)"
    )
    parser.add_argument(
        "--interval-minutes", type=int, default=1440, help="minutes between scheduled merges (default 1440)"
    )
    parser.add_argument(
        "--work-dir", type=Path, default=None, help="keep the builds here (default: a temp dir)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is not met")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="athena-scan-") as temp:
        work = args.work_dir or Path(temp)
        views_paths = build_lake(work / "views", args.calls, args.days, args.seed)
        from orchestration.paths import data_paths

        fresh_paths = data_paths(work / "fresh")
        fresh_paths.root.mkdir(parents=True, exist_ok=True)
        if not fresh_paths.lake.exists():
            fresh_paths.lake.symlink_to(views_paths.lake, target_is_directory=True)
        dbt_run(views_paths.root, work / "target-views", switch=False)
        dbt_run(fresh_paths.root, work / "target-fresh", switch=True)

        with (
            duckdb.connect(str(fresh_paths.warehouse), read_only=True) as fresh,
            duckdb.connect(str(views_paths.warehouse), read_only=True) as views,
        ):
            raw = {
                t: parquet_sizes(fresh, str(views_paths.lake / t / "**" / "*.parquet")) for t in RAW_TABLES
            }
            state = {}
            for table in RAW_TABLES:
                exported = work / f"int_{table}_deduplicated.parquet"
                fresh.execute(
                    f"copy (select * from post_call_analytics_intermediate.int_{table}_deduplicated) "
                    f"to '{exported}' (format parquet, compression zstd)"
                )
                state[table] = parquet_sizes(fresh, str(exported))
            reprocess = int(PROJECT_VARS["current_state_reprocess_minutes"])
            lag = int(PROJECT_VARS["current_state_max_event_lag_hours"])
            partitions = partition_days(reprocess, lag, args.interval_minutes)
            window = ingestion_days(reprocess, args.interval_minutes)
            lookback = float(PROJECT_VARS["current_state_merge_lookback_days"])
            model = LakeModel(args.calls, raw, state, args.history_days, window, lookback)
            bound = LakeModel(args.calls, raw, state, args.history_days, partitions, lookback)
            manifest = json.loads((work / "target-fresh" / "manifest.json").read_text(encoding="utf-8"))
            questions = [*verified_questions(dt.date.today()), *metric_questions(manifest)]
            metrics = sum(1 for q in questions if q.kind == "metric")
            print(
                f"Embedded build: {args.calls:,} calls, {raw['calls'].rows:,} + {raw['scorecards'].rows:,} change "
                f"rows, {state['calls'].rows:,} + {state['scorecards'].rows:,} current-state rows; scaled to a "
                f"{args.history_days:g}-day history, merges every {args.interval_minutes} min: fresh marts read "
                f"the changes ingested in the last {window:.2f} days (≤ {partitions} days of partitions without "
                f"row-group statistics). {len(questions) - metrics} verified queries, {metrics} metrics.\n"
            )
            results = estimate(questions, views, fresh, model)
            bounded = estimate(questions, views, fresh, bound)
        ok = report(results, model)
        worst = max(bounded, key=lambda r: r.fresh[SCALES[-1]])
        print(
            f"without row-group statistics (whole partitions): the largest fresh question at {SCALES[-1]:,} calls "
            f"reads {human(worst.fresh[SCALES[-1]])} ({worst.question.name})"
        )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
