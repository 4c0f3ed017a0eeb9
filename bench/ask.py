"""Latency of ``pca ask``'s verified and semantic paths on a large generated contact centre (DuckDB).

Builds (once, cached under ``build/bench-ask-<N>``) a dataset of ``BENCH_CALLS`` calls (default 1,000,000,
no transcripts), loads it through the backfill path into the local lake, and runs the dbt models with the scale switch
(incremental current-state tables). Then, for every verified question and a set of
paraphrases, it times each stage of the verified path — matching (with slot filling), rendering, the SQL
guard, execution — and prints p50/p95 per stage and the matcher's share of the total.

Side by side, the same questions run against a copy of the marts materialised as tables, so the print shows
what the answering path costs on its own and what the view stack below it adds.

The semantic path (questions no verified query answers: one metric split, filtered, ranked) is timed the same
way — reading the question, compiling the metric query with MetricFlow, the guard, execution — next to the
verified path. MetricFlow's import and engine set-up are paid once per process and printed apart.

    BENCH_CALLS=1000000 BENCH_REPEAT=5 python bench/ask.py
    BENCH_DATA=<a built dataset> BENCH_SKIP_TABLES=1 python bench/ask.py   # nothing written next to it
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lambdas.shared.answering.call_lists import ListReader, looks_like_a_list  # noqa: E402
from lambdas.shared.answering.semantic import (  # noqa: E402
    CURATED_DATABASE,
    MetricCompiler,
    QuestionReader,
    SemanticManifest,
    ShareQuery,
    compose_share,
    read_values,
)
from lambdas.shared.answering.setup import guarded_runner, read_entity_values, shared_repository  # noqa: E402
from lambdas.shared.answering.verified import VerifiedAnswerer, parameter_values  # noqa: E402
from lambdas.shared.query_engines import DuckDbEngine  # noqa: E402
from lambdas.shared.sql_guard import GuardPolicy, guard_sql  # noqa: E402
from lambdas.stream_processor.backfill import DEFAULT_KEYS, from_export  # noqa: E402
from lambdas.stream_processor.lake import Lake  # noqa: E402
from orchestration import dbt_runner  # noqa: E402
from orchestration.paths import data_paths  # noqa: E402
from orchestration.synthetic.feed import GenerateOptions, generate  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "1000000"))
DAYS = int(os.environ.get("BENCH_DAYS", "365"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
END = dt.date(2026, 3, 31)

PARAPHRASES = [
    "How many calls do we have altogether?",
    "number of calls in February",
    "inbound vs outbound call counts this quarter",
    "top 5 agents by number of calls this quarter",
    "average handling time per agent for the Billing East team last month",
    "QA scores by agent for the Billing West team this quarter",
    "most common call categories in the Billing queue last month",
    "customer sentiment per queue for outbound calls",
    "How many calls mentioned refunds?",  # refused: matching only
]


# Metric questions for the semantic path (none is a verified query).
METRIC_QUESTIONS = [
    "average handle time in minutes by team",
    "QA score per team last quarter",
    "share of evaluations that failed automatically, by queue",
    "customer sentiment per day in March",
    "evaluations per evaluator this year",
    "calls per hour of day",
    "QA score by call direction",
    "top 5 agents by QA score in February",
    "resolution rate by queue per month",
    "weekly number of cancellation-intent calls",
    # shares, counts of a condition, two tables, lists of calls
    "percentage of calls resolved in February",
    "share of calls in category billing-dispute by team",
    "calls and evaluations per month",
    "average handle time and average QA score per agent in March",
    "the 10 most recent calls in category billing-dispute",
    "calls longer than 20 minutes last week",
]


def build(root: Path) -> Path:
    paths = data_paths(root)
    marker = root / ".built"
    if marker.exists():
        missing = missing_marts(paths.warehouse)
        if missing:  # built by an older project: its models run again over the same lake (a few minutes),
            # from scratch (the incremental tables of an older project lack columns added since)
            print(f"the dataset in {root} has no {', '.join(missing)}: running the dbt models again")
            dbt_runner.invoke(
                ["run", "--full-refresh"],
                data_dir=paths.root,
                dbt_vars={"materialize_current_state": True},
                quiet=True,
            )
        return paths.warehouse
    started = time.perf_counter()
    options = GenerateOptions(
        calls=CALLS, days=DAYS, seed=11, end_date=END, transcripts=False, progress=False
    )
    generate(paths, options)
    lake = Lake.from_uri(str(paths.lake))
    for table, keys in DEFAULT_KEYS.items():
        from_export(str(paths.export / table), table, lake, key_names=keys, progress=False)
    # Models only (the dbt tests are `make test`'s job), with the scale switch on.
    dbt_runner.invoke(["run"], data_dir=paths.root, dbt_vars={"materialize_current_state": True}, quiet=True)
    marker.write_text(f"{CALLS} calls built in {time.perf_counter() - started:.0f} s\n")
    return paths.warehouse


def missing_marts(warehouse: Path) -> list[str]:
    """The marts of the project the warehouse has not built (a dataset cached before a mart was added)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        built = {
            str(row[0])
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'post_call_analytics'"
            ).fetchall()
        }
    return [mart for mart in dbt_runner.MARTS if mart not in built]


def materialised_copy(warehouse: Path) -> Path:
    """The marts as tables in a separate file (the built warehouse is not touched)."""
    copy = warehouse.with_name("warehouse-materialised.duckdb")
    if copy.exists():
        return copy
    with duckdb.connect(str(copy)) as target:
        target.execute(f"attach '{warehouse}' as built (read_only)")
        target.execute("create schema post_call_analytics")
        marts = target.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'built' and table_schema = 'post_call_analytics'"
        ).fetchall()
        for (mart,) in marts:
            target.execute(
                f"create table post_call_analytics.{mart} as select * from built.post_call_analytics.{mart}"
            )
    return copy


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(warehouse: Path, lake: Path, label: str) -> dict[str, list[float]]:
    engine = DuckDbEngine(warehouse, lake, timeout_seconds=120)
    run = guarded_runner(engine)
    specs, render = shared_repository()
    answerer = VerifiedAnswerer(specs, render, run, read_entity_values(run), today=lambda: END)
    by_name = {s.name: s for s in specs}
    questions = [s.question for s in specs] + PARAPHRASES
    stages: dict[str, list[float]] = {"match": [], "render": [], "guard": [], "execute": [], "total": []}
    policy = GuardPolicy()
    for question in questions:
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            result = answerer.matcher.match(question, END)
            t1 = time.perf_counter()
            if result.best is None:
                stages["match"].append((t1 - t0) * 1000)
                stages["total"].append((t1 - t0) * 1000)
                continue
            spec = by_name[result.best.candidate.name]
            sql = render(spec.name, parameter_values(spec, result.best.slots), END)
            t2 = time.perf_counter()
            guarded = guard_sql(sql, policy)
            t3 = time.perf_counter()
            engine.execute(guarded, max_rows=guarded.limit)
            t4 = time.perf_counter()
            for stage, ms in zip(stages, [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0], strict=True):
                stages[stage].append(ms * 1000)
    engine.close()
    total = sum(stages["total"])
    print(f"\n{label}: {len(questions)} questions x {REPEAT} runs")
    print(f"  {'stage':<8} {'p50 ms':>9} {'p95 ms':>9} {'share':>7}")
    for stage, values in stages.items():
        share = sum(values) / total if total else 0.0
        print(f"  {stage:<8} {statistics.median(values):9.1f} {percentile(values, 0.95):9.1f} {share:7.1%}")
    return stages


def measure_semantic(warehouse: Path, lake: Path, label: str) -> dict[str, list[float]]:
    engine = DuckDbEngine(warehouse, lake, timeout_seconds=120)
    run = guarded_runner(engine)
    t0 = time.perf_counter()
    manifest = SemanticManifest.load()
    compiler = MetricCompiler(manifest)
    compiler.warm()  # MetricFlow's import and engine: once per process
    setup_ms = (time.perf_counter() - t0) * 1000
    reader = QuestionReader(manifest, read_values(run))
    lists = ListReader(reader)
    stages: dict[str, list[float]] = {"read": [], "compile": [], "guard": [], "execute": [], "total": []}
    policy = GuardPolicy()
    for question in METRIC_QUESTIONS:
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            if looks_like_a_list(question):
                listing = lists.read(question, END).query
                t1 = time.perf_counter()
                if listing is None:
                    raise SystemExit(f"the semantic answerer refused a benchmark question: {question!r}")
                sql = listing.sql(CURATED_DATABASE, 1000)
            else:
                query = reader.read(question, END).query
                t1 = time.perf_counter()
                if query is None:
                    raise SystemExit(f"the semantic answerer refused a benchmark question: {question!r}")
                if isinstance(query, ShareQuery):
                    numerator, denominator = (
                        compiler.compile(query.numerator),
                        compiler.compile(query.denominator),
                    )
                    sql = compose_share(query, numerator, denominator)
                else:
                    sql = compiler.compile(query)
            t2 = time.perf_counter()
            guarded = guard_sql(sql, policy)
            t3 = time.perf_counter()
            engine.execute(guarded, max_rows=guarded.limit)
            t4 = time.perf_counter()
            for stage, ms in zip(stages, [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0], strict=True):
                stages[stage].append(ms * 1000)
    engine.close()
    total = sum(stages["total"])
    print(
        f"\n{label}: {len(METRIC_QUESTIONS)} questions x {REPEAT} runs (MetricFlow set-up once: {setup_ms:.0f} ms)"
    )
    print(f"  {'stage':<8} {'p50 ms':>9} {'p95 ms':>9} {'share':>7}")
    for stage, values in stages.items():
        share = sum(values) / total if total else 0.0
        print(f"  {stage:<8} {statistics.median(values):9.1f} {percentile(values, 0.95):9.1f} {share:7.1%}")
    return stages


def main() -> int:
    root = Path(os.environ.get("BENCH_DATA", ROOT / "build" / f"bench-ask-{CALLS}"))
    started = time.perf_counter()
    warehouse = build(root)
    print(f"dataset: {CALLS:,} calls over {DAYS} days in {root} ({(root / '.built').read_text().strip()})")
    as_built = measure(warehouse, root / "lake", "marts as dbt builds them (views over current-state tables)")
    print(f"(setup and first run {time.perf_counter() - started:.0f} s)")
    p95_built = percentile(as_built["total"], 0.95)
    if not os.environ.get("BENCH_SKIP_TABLES"):  # the copy is written next to the dataset
        tables = measure(materialised_copy(warehouse), root / "lake", "marts materialised as tables")
        p95_tables = percentile(tables["total"], 0.95)
        print(
            f"\np95 total: {p95_built:.1f} ms as built vs {p95_tables:.1f} ms on tables "
            f"(ratio {p95_built / p95_tables:.1f}x); target 300 ms"
        )
        match_share = sum(tables["match"]) / sum(tables["total"])
        matcher_p95 = percentile(tables["match"], 0.95)
        print(f"matcher p95 {matcher_p95:.1f} ms; matcher share of the total on tables {match_share:.1%}")
    semantic = measure_semantic(warehouse, root / "lake", "semantic path, marts as dbt builds them")
    p95_semantic = percentile(semantic["total"], 0.95)
    print(
        f"\np95 total, side by side (marts as built): semantic {p95_semantic:.1f} ms vs verified "
        f"{p95_built:.1f} ms (ratio {p95_semantic / p95_built:.2f}x); target 300 ms. "
        f"Compile p95 {percentile(semantic['compile'], 0.95):.1f} ms, read p95 "
        f"{percentile(semantic['read'], 0.95):.1f} ms."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
