"""Estimated Athena bytes scanned per question at 1,000,000 and 10,000,000 calls, in both modes of the marts.

Athena bills and limits a query by the bytes it reads from S3: the compressed Parquet column chunks of the
columns the plan projects, in the partitions and row groups it does not skip. This benchmark builds the embedded
project twice over one generated lake — the default (marts are views over the whole JSON change log) and the
scale switch on (marts read the stored current state plus the change-log partitions since the last merge) — and
for every question asks DuckDB for the plan, collects each scan's projected columns, and prices them with the
column sizes of the lake's Parquet files (the change log as the stream processor writes it; the current-state
tables exported as ZSTD Parquet, as Iceberg stores them), scaled linearly with calls.

Questions: every verified query with its default parameters, and every semantic-layer metric compiled by
MetricFlow as the answering chain compiles it — alone, and by its most common dimension and month, both over all
time. The lake: the raw change log (every column of every file) plus the current-state tables and the marts'
stored rows (`int_<mart>_stored`, sized from the embedded build's and scaled to every item). Pruning credited,
and only this: Iceberg day() partitions of the current state when a bound on the partition column (or on its date
alias, e.g. `call_date`) reaches the scan through projections, unions and unnests; the change log's `dt`
partitions; Parquet row-group min/max on `ingested_at` (the column "no stats" shows the question without it).

    python bench/athena_scan.py [--calls 3000] [--days 60] [--history-days 365] [--interval-minutes 1440] [--check]

Prints one row per question (bytes at both scales in both modes, the ratio, the share of the lake, the targets
missed) and a summary; `--check` exits 1 unless every question of the switched mode stays under the workgroup's
1 GB cutoff and within 1% of the lake at 10,000,000 calls.
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
    today: dt.date = field(default_factory=dt.date.today)

    def factor(self, scale: int) -> float:
        return scale / self.calls

    def lake_bytes(self, scale: int) -> float:
        """The change log and the current state, and the marts' stored rows of the items before the split."""
        cold = 1 - min(1.0, self.lookback_days / self.history_days)
        stored = sum(t.total_bytes for t in self.raw.values()) + sum(
            t.total_bytes * (cold if name.endswith("_stored") and name in PARTITION_COLUMNS else 1)
            for name, t in self.current_state.items()
        )
        return stored * self.factor(scale)


@dataclass(frozen=True)
class Scan:
    kind: str  # "raw" (change log) or "state" (a current-state table)
    table: str  # calls | scorecards
    columns: tuple[str, ...]
    pruned: bool  # raw: a partition filter on dt
    part: str = "all"  # state: "hot" (started in the merge lookback), "cold" (before it) or "all"
    # cold state: the days [first, end) of the partition column the question keeps (None: no bound), and the
    # day the cold part ends (the lookback split); Iceberg prunes the table's day() partitions outside them
    days: tuple[dt.date | None, dt.date | None] = (None, None)
    cold_until: dt.date | None = None


def scan_bytes(scan: Scan, model: LakeModel, scale: int) -> float:
    sizes = (model.raw if scan.kind == "raw" else model.current_state)[scan.table]
    rows = sizes.rows * model.factor(scale)
    if scan.kind == "raw" and scan.pruned:
        rows *= min(1.0, model.window_days / model.history_days)
    hot = min(1.0, model.lookback_days / model.history_days)
    if scan.part == "hot":
        rows *= hot
    elif scan.part == "cold":
        rows *= (1 - hot) * cold_share(scan, model)
    return sizes.bytes_per_row(scan.columns) * rows


def cold_share(scan: Scan, model: LakeModel) -> float:
    """The share of the cold part's day partitions a question keeps: calls spread evenly over the scaled history
    (`history_days` up to today), the cold part ending at the lookback split. Only partition pruning is credited
    (Iceberg's day() partitions, from a bound on the partition column itself that reaches the scan)."""
    first, end = scan.days
    if first is None and end is None:
        return 1.0
    cold_end = scan.cold_until or model.today - dt.timedelta(days=model.lookback_days)
    cold_start = model.today - dt.timedelta(days=model.history_days)
    span = (cold_end - cold_start).days
    if span <= 0:
        return 1.0
    kept_start = max(cold_start, first) if first else cold_start
    kept_end = min(cold_end, end) if end else cold_end
    return max(0, (kept_end - kept_start).days) / span


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
# a current-state table (`int_calls_deduplicated`: "calls") or a mart's stored rows (`int_scorecard_answers_stored`:
# "scorecard_answers_stored", see the `stored_mart_rows` macros)
_STATE_TABLE = re.compile(r"int_(calls|scorecards)_deduplicated$|int_(\w+_stored)$")
# the lookback split of a current-state table (Iceberg prunes its day(started_at) partitions on Athena)
_HOT = re.compile(r"started_at\s*>=")
_COLD = re.compile(r"started_at\s*<(?!=)")


def _projections(info: Mapping[str, Any]) -> tuple[str, ...]:
    value = info.get("Projections", [])
    # "" when the scan reads no column (only the row count, from the files' metadata)
    return tuple(c for c in ((value,) if isinstance(value, str) else value) if c)


def _texts(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def partition_columns(models: Path = DBT_PROJECT / "models" / "intermediate") -> dict[str, str]:
    """The column each current-state table is partitioned by (its day() transform), as its model declares."""
    found = {}
    for table in RAW_TABLES:
        text = (models / f"int_{table}_deduplicated.sql").read_text(encoding="utf-8")
        match = re.search(r"partition_column='(\w+)'", text)
        if match is None:
            raise ValueError(f"int_{table}_deduplicated declares no partition_column")
        found[table] = match.group(1)
    # a mart's stored rows are partitioned by day of their item's start (`stored_mart_rows_config`), except
    # stored aggregates (`partitioned=false`)
    for path in sorted(models.glob("int_*_stored.sql")):
        if "partitioned=false" not in path.read_text(encoding="utf-8"):
            found[path.stem.removeprefix("int_")] = "started_at"
    return found


def date_aliases(
    marts: Path = DBT_PROJECT / "models" / "marts", bodies: Path = DBT_PROJECT / "macros" / "mart_rows.sql"
) -> dict[str, str]:
    """Mart columns defined as the date of a column (``cast(started_at as date) as call_date``), in the marts or
    the mart bodies they share with their stored rows: a bound on the alias is a bound on the column (Trino
    inlines the projection and unwraps the cast)."""
    found = {}
    for path in [*sorted(marts.glob("*.sql")), bodies]:
        for column, alias in re.findall(
            r"cast\((?:\w+\.)?(\w+) as date\) as (\w+)", path.read_text(encoding="utf-8"), re.I
        ):
            if found.setdefault(alias, column) != column:
                raise ValueError(f"{alias} is the date of both {found[alias]} and {column}")
    return found


PARTITION_COLUMNS = partition_columns()
DATE_ALIASES = date_aliases()
# nodes a filter passes through to reach the scan below them (Trino's predicate pushdown moves a conjunct
# through a projection, a union, and an unnest when it reads only the replicated columns); above a join, an
# aggregate or a window, a bound is not credited
_PASS_THROUGH = {"FILTER", "PROJECTION", "UNION", "UNNEST"}
_BOUND = re.compile(
    r"(?P<cast>CAST\()?\b(?P<column>\w+)(?: AS DATE\))?\s*(?P<op>>=|<=|>|<|=)\s*"
    r"'(?P<day>\d{4}-\d{2}-\d{2})(?P<time>[^']*)'"
)


def day_bounds(texts: Iterable[str], column: str) -> tuple[dt.date | None, dt.date | None]:
    """The days [first, end) that conjunctive filters on ``column`` (or its date) keep; None where unbounded.
    A filter with OR is skipped (no credit)."""
    first: dt.date | None = None
    end: dt.date | None = None
    for text in texts:
        if re.search(r"\bOR\b", text, re.IGNORECASE):
            continue
        for match in _BOUND.finditer(text):
            alias = DATE_ALIASES.get(match.group("column")) == column
            if match.group("column") != column and not alias:
                continue
            day = dt.date.fromisoformat(match.group("day"))
            midnight = not match.group("time").strip(" 0:.")
            as_date = match.group("cast") is not None or alias
            op = match.group("op")
            low = high = None
            if op in (">=", "="):
                low = day
            elif op == ">":
                low = day + dt.timedelta(days=1) if as_date else day
            if op == "<":
                high = day if midnight else day + dt.timedelta(days=1)
            elif op in ("<=", "="):
                high = day + dt.timedelta(days=1)
            if low is not None and (first is None or low > first):
                first = low
            if high is not None and (end is None or high < end):
                end = high
    return first, end


def plan_scans(plan: Sequence[Mapping[str, Any]]) -> list[Scan]:
    """The scans of a DuckDB JSON plan: current-state table scans, and change-log reads (which raw table is
    told by the nearest operator above that extracts the key from `keys`)."""
    scans: list[Scan] = []

    def walk(node: Mapping[str, Any], ancestors: list[tuple[str, Mapping[str, Any]]]) -> None:
        name = str(node.get("name", "")).strip()
        info = node.get("extra_info", {}) or {}
        if name == "SEQ_SCAN":
            match = _STATE_TABLE.search(str(info.get("Table", "")))
            if match:
                filters = " AND ".join(_texts(info.get("Filters")))
                table = match.group(1) or match.group(2)
                # a mart's stored rows hold only the items before the split (DuckDB drops the split's filter
                # when the table's statistics show it always holds; Athena applies it)
                stored = match.group(2) in PARTITION_COLUMNS
                part = "cold" if stored or _COLD.search(filters) else "hot" if _HOT.search(filters) else "all"
                days: tuple[dt.date | None, dt.date | None] = (None, None)
                cold_until = None
                if part == "cold":
                    # the stored rows before the split pass through the view unchanged, so a bound on the
                    # partition column reaches this scan; the hot part's columns come out of a join, so none does
                    column = PARTITION_COLUMNS[table]
                    texts = [t for t in _texts(info.get("Filters")) if not _COLD.search(t)]
                    for ancestor, above in reversed(ancestors):
                        if ancestor not in _PASS_THROUGH:
                            break
                        if ancestor == "FILTER":
                            texts += _texts(above.get("Expression"))
                    days = day_bounds(texts, column)
                    split = re.search(r"started_at\s*<\s*'(\d{4}-\d{2}-\d{2})", filters)
                    cold_until = dt.date.fromisoformat(split.group(1)) if split else None
                scans.append(Scan("state", table, _projections(info), False, part, days, cold_until))
            elif "post_call_analytics" in str(info.get("Table", "")):
                raise ValueError(
                    f"a question reads a stored table the model does not know: {info.get('Table')}"
                )
        elif name == "READ_PARQUET":
            table = None
            for _, above in reversed(ancestors):
                found = _KEY_EXTRACT.search(json.dumps(above))
                if found:
                    table = KEY_PATHS[found.group(1)]
                    break
            if table is None:
                raise ValueError("cannot tell which change-log table a scan reads")
            pruned = "dt" in str(info.get("File Filters", ""))
            scans.append(Scan("raw", table, _projections(info), pruned))
        for child in node.get("children", []):
            walk(child, [*ancestors, (name, info)])

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


def most_common_dimension(manifest: Any, metric: Any, verified_sql: Sequence[str]) -> str | None:
    """The qualified group-by of the dimension the verified queries group by most often among those ``metric``
    can be grouped by (ties: alphabetical by concept)."""
    clauses = [
        match.group(1).lower()
        for sql in verified_sql
        for match in re.finditer(r"group\s+by(.*?)(?:order\s+by|limit|having|\)|$)", sql, re.I | re.S)
    ]
    best: tuple[int, str] | None = None
    for label in sorted(manifest.labels()):
        qualified = manifest.dimension_for(metric, label)
        if qualified is None:
            continue
        name = qualified.split("__", 1)[1]
        uses = sum(1 for clause in clauses if re.search(rf"\.{re.escape(name)}\b", clause))
        if best is None or uses > best[0]:
            best = (uses, qualified)
    return best[1] if best else None


def metric_questions(document: Mapping[str, Any], verified_sql: Sequence[str] = ()) -> list[Question]:
    """Two questions per semantic-layer metric, compiled by MetricFlow as the answering chain compiles them
    (`lambdas/shared/answering/semantic.py`) and written for DuckDB by the SQL guard: the metric alone, and by
    its most common dimension and month (by the dimension alone for a metric asked over all data only) — both with
    no period (the semantic reader's "no period = all data")."""
    from lambdas.shared.answering.semantic import MetricCompiler, MetricQuery, SemanticManifest
    from lambdas.shared.sql_guard import guard_sql

    if not document.get("metrics"):
        return []
    manifest = SemanticManifest.from_document(document)
    compiler = MetricCompiler(manifest)
    questions = []
    for name, metric in sorted(manifest.metrics.items()):
        if metric.input_only:  # only another metric's input (a sum of squares): never asked for itself
            continue
        dimension = most_common_dimension(manifest, metric, verified_sql)
        # a metric asked over all data only (refused by a time grain) is asked by its dimension alone
        grain = None if metric.all_data_only else "month"
        by = ", ".join(part for part in (dimension and dimension.split("__", 1)[1], grain) if part)
        variants = [(name, MetricQuery(metrics=(name,)))]
        if by:
            variants.append(
                (
                    f"{name} by {by}",
                    MetricQuery(metrics=(name,), group_by=(dimension,) if dimension else (), grain=grain),
                )
            )
        for title, query in variants:
            sql = guard_sql(compiler.compile(query)).to_dialect("duckdb")
            questions.append(Question(title, "metric", (sql,)))
    return questions


# ── The embedded builds ───────────────────────────────────────────────────────────────────────────────────


def stored_mart_sizes(connection: duckdb.DuckDBPyConnection, work: Path) -> dict[str, TableSizes]:
    """The marts' stored rows (`int_<mart>_stored`), exported like the current state and scaled to every item:
    a build stores the rows of the items before the split only, and the model prices the share of a whole
    table a question keeps (`LakeModel`), so the sizes measured are divided by the share of items stored.
    Stored aggregates (per agent) are kept as measured, and scaled with calls like everything else."""
    sizes = {}
    tables = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'post_call_analytics_intermediate' "
        "and table_name like 'int_%_stored' order by 1"
    ).fetchall()
    for (name,) in tables:
        mart = name.removeprefix("int_").removesuffix("_stored")
        exported = work / f"{name}.parquet"
        connection.execute(
            f"copy (select * from post_call_analytics_intermediate.{name}) to '{exported}' "
            "(format parquet, compression zstd)"
        )
        measured = parquet_sizes(connection, str(exported))
        if name.removeprefix("int_") not in PARTITION_COLUMNS:
            sizes[name.removeprefix("int_")] = measured
            continue
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where schema_name = 'post_call_analytics' and view_name = ?",
            [mart],
        ).fetchall()
        split = re.search(r"started_at < CAST\('(\d{4}-\d{2}-\d{2})", view_sql, re.I)
        if split is None:
            raise ValueError(f"the mart {mart} does not read {name} before a split")
        parent = "calls" if mart.startswith("call") else "scorecards"
        ((stored, items),) = connection.execute(
            f"select count(*) filter (where started_at < cast(? as timestamp)), count(*) "
            f"from post_call_analytics_intermediate.int_{parent}_deduplicated where not is_removed",
            [split.group(1)],
        ).fetchall()
        scale = items / stored if stored else 0.0
        sizes[name.removeprefix("int_")] = TableSizes(
            round(measured.rows * scale), {c: round(b * scale) for c, b in measured.column_bytes.items()}
        )
    return sizes


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


def misses(bytes_scanned: float, lake: float) -> list[str]:
    """The targets a question reading ``bytes_scanned`` misses: the 1 GB cutoff, and 1% of the lake."""
    missed = []
    if bytes_scanned >= CUTOFF_BYTES:
        missed.append("1 GB cutoff")
    if bytes_scanned > LAKE_SHARE_TARGET * lake:
        missed.append("1% of the lake")
    return missed


def report(results: Sequence[Estimate], model: LakeModel, whole: Sequence[Estimate] = ()) -> bool:
    """Print the table and the summary; True when every question meets both targets at the largest scale."""
    big = SCALES[-1]
    lake_big = model.lake_bytes(big)
    worst_case = {row.question.name: row.fresh[big] for row in whole}
    print(
        f"{'question':<46} {'kind':<14} "
        + " ".join(
            f"{'views ' + f'{s // 1_000_000}M':>11} {'fresh ' + f'{s // 1_000_000}M':>11}" for s in SCALES
        )
        + f" {'ratio':>6} {'lake %':>7} {'no stats':>10}  misses (fresh {big // 1_000_000}M)"
    )
    for row in results:
        ratio = row.views[big] / row.fresh[big] if row.fresh[big] else math.inf
        missed = misses(row.fresh[big], lake_big)
        print(
            f"{row.question.name:<46} {row.question.kind:<14} "
            + " ".join(f"{human(row.views[s]):>11} {human(row.fresh[s]):>11}" for s in SCALES)
            + f" {ratio:>5.0f}× {100 * row.fresh[big] / lake_big:>6.2f}%"
            + f" {human(worst_case.get(row.question.name, math.nan)):>10}  {', '.join(missed) or '-'}"
        )
    ok = True
    print(
        "\nthe lake: everything an operator pays to store for these answers — the raw change log (calls and "
        "scorecards, every column of every Parquet file) plus the current-state Iceberg tables "
        "(int_calls_deduplicated, int_scorecards_deduplicated, ZSTD Parquet) and the marts' stored rows of the "
        "items before the split (int_<mart>_stored, the per-agent aggregates); the marts are views"
    )
    for scale in SCALES:
        lake = model.lake_bytes(scale)
        views = [r.views[scale] for r in results]
        fresh = [r.fresh[scale] for r in results]
        worst = max(results, key=lambda r: r.fresh[scale])
        over = [r.question.name for r in results if r.views[scale] >= CUTOFF_BYTES]
        print(
            f"\n{scale:,} calls: lake {human(lake)} (1% = {human(lake * LAKE_SHARE_TARGET)}); "
            f"views: median {human(sorted(views)[len(views) // 2])}, max {human(max(views))}, "
            f"{len(over)} of {len(results)} questions over the 1 GB cutoff, ${cost_per_thousand(views):.2f} per 1,000 "
            f"questions; fresh: median {human(sorted(fresh)[len(fresh) // 2])}, max {human(max(fresh))} "
            f"({worst.question.name}, {100 * max(fresh) / lake:.2f}% of the lake), "
            f"${cost_per_thousand(fresh):.2f} per 1,000 questions; "
            f"total bytes ratio views/fresh {sum(views) / sum(fresh):.1f}×"
        )
        if scale == big:
            missing = [(r.question.name, misses(r.fresh[big], lake)) for r in results]
            missing = [(name, m) for name, m in missing if m]
            ok = not missing
            for target in ("1 GB cutoff", "1% of the lake"):
                names = [name for name, m in missing if target in m]
                print(
                    f"  fresh questions over the {target}: {len(names)} of {len(results)}"
                    + (f" ({', '.join(names)})" if names else "")
                )
    print(
        f"\ntarget at {big:,} calls (every question < 1 GB and ≤ 1% of the lake, switch on): "
        + ("met" if ok else "NOT met")
    )
    if whole:
        over_whole = [r for r in whole if misses(r.fresh[big], lake_big)]
        largest = max(whole, key=lambda r: r.fresh[big])
        print(
            f"without Parquet row-group statistics on ingested_at (whole change-log partitions, column 'no "
            f"stats'): largest fresh question {human(largest.fresh[big])} ({largest.question.name}); "
            f"{len(over_whole)} of {len(whole)} would miss a target"
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
            state.update(stored_mart_sizes(fresh, work))
            reprocess = int(PROJECT_VARS["current_state_reprocess_minutes"])
            lag = int(PROJECT_VARS["current_state_max_event_lag_hours"])
            partitions = partition_days(reprocess, lag, args.interval_minutes)
            window = ingestion_days(reprocess, args.interval_minutes)
            lookback = float(PROJECT_VARS["current_state_merge_lookback_days"])
            today = dt.date.today()
            model = LakeModel(args.calls, raw, state, args.history_days, window, lookback, today)
            bound = LakeModel(args.calls, raw, state, args.history_days, partitions, lookback, today)
            semantic = json.loads(
                (work / "target-fresh" / "semantic_manifest.json").read_text(encoding="utf-8")
            )
            verified = verified_questions(dt.date.today())
            questions = [*verified, *metric_questions(semantic, [q.sql[0] for q in verified])]
            metrics = sum(1 for q in questions if q.kind == "metric")
            print(
                f"Embedded build: {args.calls:,} calls, {raw['calls'].rows:,} + {raw['scorecards'].rows:,} change "
                f"rows, {state['calls'].rows:,} + {state['scorecards'].rows:,} current-state rows; scaled to a "
                f"{args.history_days:g}-day history, merges every {args.interval_minutes} min: fresh marts read "
                f"the changes ingested in the last {window:.2f} days (≤ {partitions} days of partitions without "
                f"row-group statistics). Credited pruning: Iceberg day() partitions of the current state (a bound "
                f"on the partition column that reaches the scan), change-log `dt` partitions, and Parquet row-group "
                f"min/max on `ingested_at`; nothing else. {len(questions) - metrics} verified queries, {metrics} metrics.\n"
            )
            results = estimate(questions, views, fresh, model)
            bounded = estimate(questions, views, fresh, bound)
        ok = report(results, model, bounded)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
