"""SQL guard cost next to each verified query's own execution time, on 1,000,000 calls in DuckDB.

By default it uses the 1,000,000-call dataset ``bench/ask.py`` builds end to end (generator → backfill into the
lake → dbt ``local`` with the scale switch; built once and cached under ``build/bench-ask-1000000``). With
``--replicate`` it instead builds a 2,000-call warehouse with the real pipeline and scales every mart to the
requested number of calls by replicating rows under new ids (quicker to build). For each verified query it
times, in the same run:

- the guard: ``guard_sql`` — parse (Athena dialect), one read-only query, relations resolved per scope to
  allow-listed marts, functions from the Trino allow-list, LIMIT clamp;
- the DuckDB printing: the engine's Athena→DuckDB transpilation of the checked tree and the re-check of the printed
  text (parsed back, one query over the same marts) — the rest of the path before execution on DuckDB;
- the query: executing the guarded SQL on the DuckDB engine (the marts-only answer database, read-only, no file
  access).

Targets: the guard under 5 ms per query, and under 5% of execution for the median verified query. The whole path
(guard + DuckDB printing) is printed beside it.

    python bench/guard.py                       # 1,000,000 calls built end to end (cached)
    python bench/guard.py --replicate [--calls 1000000] [--seed-calls 2000] [--work-dir DIR]
    python bench/guard.py --warehouse path/to/warehouse.duckdb   # any warehouse built by the pipeline
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from lambdas.athena_executor.catalog import SchemaCatalog  # noqa: E402
from lambdas.shared.query_engines import DuckDbEngine  # noqa: E402
from lambdas.shared.sql_functions import allowed_functions  # noqa: E402
from lambdas.shared.sql_guard import GuardPolicy, guard_sql  # noqa: E402
from lambdas.shared.verified_queries import load_repository, render  # noqa: E402
from orchestration.paths import data_paths  # noqa: E402
from orchestration.replay import replay  # noqa: E402
from orchestration.synthetic.feed import GenerateOptions, generate  # noqa: E402

END_DATE = dt.date(2026, 6, 30)
# Columns that identify a row of a mart; replicas get "<id>-r<n>" so the scaled data keeps distinct keys.
ID_COLUMNS = ("call_id", "evaluation_id", "customer_id")


def build_seed_warehouse(root: Path, calls: int) -> Path:
    paths = data_paths(root)
    generate(
        paths,
        GenerateOptions(calls=calls, days=90, seed=7, end_date=END_DATE, transcripts=False, progress=False),
    )
    replay(paths, progress=False)
    project = REPO_ROOT / "dbt_project"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "run",
            "--target",
            "local",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(root / "dbt-target"),
            "--log-path",
            str(root / "dbt-logs"),
            "--quiet",
        ],
        env={**os.environ, "PCA_DATA_DIR": str(root)},
        check=True,
    )
    return paths.warehouse


def build_scaled_warehouse(seed: Path, target: Path, *, marts: list[str], factor: int) -> None:
    """Copy each mart of ``seed`` into ``target`` as a table, ``factor`` times, with replica-suffixed ids."""
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{seed}' as seed (read_only)")
        connection.execute("create schema post_call_analytics")
        for mart in marts:
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = 'seed' and table_schema = 'post_call_analytics' "
                    "and table_name = $t "
                    "order by ordinal_position",
                    {"t": mart},
                ).fetchall()
            ]
            select = ", ".join(
                f"case when r.i = 0 then m.{c} else m.{c} || '-r' || r.i::varchar end as {c}"
                if c in ID_COLUMNS
                else f"m.{c}"
                for c in columns
            )
            replicas = 1 if mart == "agents" else factor
            connection.execute(
                f"create table post_call_analytics.{mart} as select {select} "
                f"from seed.post_call_analytics.{mart} as m, range({replicas}) as r(i)"
            )
        connection.execute("detach seed")


def end_to_end_warehouse(calls: int) -> Path:
    """bench/ask.py's dataset of ``calls`` calls, built end to end once and cached under build/."""
    os.environ["BENCH_CALLS"] = str(calls)
    spec = importlib.util.spec_from_file_location("bench_ask", REPO_ROOT / "bench" / "ask.py")
    assert spec is not None and spec.loader is not None
    ask = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ask)
    print(f"dataset: {calls:,} calls built end to end (cached under build/bench-ask-{calls})", flush=True)
    warehouse: Path = ask.build(REPO_ROOT / "build" / f"bench-ask-{calls}")
    return warehouse


def time_ms(action: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000, help="calls in the benchmark warehouse")
    parser.add_argument("--seed-calls", type=int, default=2000, help="calls generated by the real pipeline")
    parser.add_argument("--guard-repeat", type=int, default=200, help="guard timings per query (median)")
    parser.add_argument("--query-repeat", type=int, default=3, help="executions per query (median)")
    parser.add_argument("--work-dir", type=Path, help="keep the warehouses here (default: a temporary dir)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse --work-dir's benchmark warehouse if present"
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="use this warehouse, built by the real pipeline (its lake is the sibling folder 'lake'), "
        "instead of bench/ask.py's dataset",
    )
    parser.add_argument(
        "--replicate",
        action="store_true",
        help="scale a --seed-calls pipeline build to --calls by replicating rows, instead of bench/ask.py's dataset",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pca-bench-guard-") as scratch:
        work = (args.work_dir or Path(scratch)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        catalog = SchemaCatalog.load()
        started = time.perf_counter()
        if args.warehouse is not None:
            scaled, lake = args.warehouse.resolve(), args.warehouse.resolve().parent / "lake"
        elif args.replicate:
            scaled, lake = work / "bench.duckdb", work / "lake"
            if not (args.reuse and scaled.exists()):
                seed = build_seed_warehouse(work / "seed", args.seed_calls)
                factor = max(1, round(args.calls / args.seed_calls))
                scaled.unlink(missing_ok=True)
                build_scaled_warehouse(seed, scaled, marts=catalog.table_names, factor=factor)
        else:
            scaled = end_to_end_warehouse(args.calls)
            lake = scaled.parent / "lake"
        with duckdb.connect(str(scaled), read_only=True) as connection:
            counts = {
                mart: int(
                    connection.execute(f"select count(*) from post_call_analytics.{mart}").fetchone()[0]
                )  # type: ignore[index]
                for mart in ("calls", "scorecards", "scorecard_answers")
            }
        print(
            f"warehouse: {counts['calls']:,} calls, {counts['scorecards']:,} evaluations, "
            f"{counts['scorecard_answers']:,} answers; ready in {time.perf_counter() - started:.0f} s"
        )

        # The replicated warehouse holds only the marts, as tables: it is an answer database already. A
        # warehouse built by dbt is copied into its answer database (answers.duckdb) first.
        engine = (
            DuckDbEngine(scaled) if args.replicate and args.warehouse is None else DuckDbEngine(scaled, lake)
        )
        policy = GuardPolicy.for_tables(catalog.table_names)
        allowed_functions()  # the allow-list is derived once per process (Lambda: at init), not per query
        repository = load_repository("athena")
        rows = []
        for query in repository.queries:
            values = {p["name"]: "all_time" for p in query["parameters"] if p["type"] == "date_range"}
            sql = render(query, values, today=END_DATE)

            def check(sql: str = sql) -> None:
                guard_sql(sql, policy)

            def check_and_print(sql: str = sql) -> None:
                guard_sql(sql, policy).to_dialect("duckdb")

            guard_ms = time_ms(check, args.guard_repeat)
            path_ms = time_ms(check_and_print, args.guard_repeat)
            guarded = guard_sql(sql, policy)
            engine.execute(guarded, max_rows=1000)  # warm up
            query_ms = time_ms(lambda g=guarded: engine.execute(g, max_rows=1000), args.query_repeat)
            rows.append(
                (
                    query["name"],
                    guard_ms,
                    path_ms,
                    query_ms,
                    100 * guard_ms / query_ms,
                    100 * path_ms / query_ms,
                )
            )

        print(
            f"\n{'verified query':<40} {'guard ms':>8} {'+print ms':>9} {'query ms':>9} "
            f"{'guard/query':>11} {'path/query':>10}"
        )
        for name, guard_ms, path_ms, query_ms, ratio, path_ratio in sorted(rows, key=lambda r: r[3]):
            print(
                f"{name:<40} {guard_ms:>8.2f} {path_ms - guard_ms:>9.2f} {query_ms:>9.1f} "
                f"{ratio:>10.2f}% {path_ratio:>9.2f}%"
            )
        print(
            "\nguard = guard_sql (parse, allow-lists, LIMIT clamp); +print = DuckDB transpilation and re-check of "
            "the printed SQL; path = guard + print (everything before DuckDB executes)"
        )
        guard_times = [r[1] for r in rows]
        path_times = [r[2] for r in rows]
        median_row = sorted(rows, key=lambda r: r[3])[len(rows) // 2]
        print(
            f"guard: median {statistics.median(guard_times):.2f} ms, max {max(guard_times):.2f} ms; "
            f"{sum(t < 5 for t in guard_times)}/{len(rows)} queries under 5 ms "
            f"(whole path: median {statistics.median(path_times):.2f} ms, max {max(path_times):.2f} ms)"
        )
        print(
            f"median verified query by execution time ({median_row[0]}, {median_row[3]:.1f} ms): "
            f"guard {median_row[1]:.2f} ms = {median_row[4]:.2f}% of execution (target < 5%); "
            f"whole path {median_row[2]:.2f} ms = {median_row[5]:.2f}%"
        )
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
