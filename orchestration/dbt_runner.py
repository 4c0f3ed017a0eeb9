"""Run the dbt project from Python: the CLI (``pca dbt …``), ``make up`` and the tests use this.

``build(data_dir)`` runs ``dbt build`` on the embedded DuckDB target (``<data>/warehouse.duckdb`` over the raw
change log in ``<data>/lake``); ``parse(target="prod")`` checks the production target offline. dbt runs
in-process through ``dbt.cli.main.dbtRunner``; its settings come from the environment (``profiles.yml``), so
the data folder is passed as ``PCA_DATA_DIR`` for the duration of a call.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import yaml

from orchestration.paths import DataPaths, data_paths

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
CURATED_SCHEMA = "post_call_analytics"
MARTS = (
    "calls",
    "call_categories",
    "call_insights",
    "scorecards",
    "scorecard_answers",
    "scorecard_sections",
    "agents",
    "agent_daily_performance",
)
# The runbook's "Test 2": the same SQL runs on Athena and on the DuckDB warehouse.
DIRECTION_QUERY = "SELECT direction, COUNT(*) AS cnt FROM post_call_analytics.calls GROUP BY direction"


class MissingChangeLogError(FileNotFoundError):
    """The local lake has no raw change log for a source table, so the DuckDB sources cannot be read."""


SOURCE_TABLES = ("calls", "scorecards")


def check_local_lake(paths: DataPaths) -> None:
    """Raise :class:`MissingChangeLogError` unless every source table has Parquet files in the local lake
    (DuckDB binds ``read_parquet`` over ``<lake>/<table>/**/*.parquet`` when it creates the staging views)."""
    for table in SOURCE_TABLES:
        if next((paths.lake / table).glob("**/*.parquet"), None) is None:
            raise MissingChangeLogError(
                f"no raw change log under {paths.lake / table}: run `pca up` (or `pca generate` and "
                "`pca replay`) first, or point --data-dir / PCA_DATA_DIR at a data folder that has one"
            )


class DbtRunError(RuntimeError):
    """A dbt command failed; ``result`` says which nodes failed and why."""

    def __init__(self, result: DbtResult) -> None:
        detail = "; ".join(result.failures[:5]) or result.error or "see the dbt log above"
        super().__init__(f"dbt {' '.join(result.args[:1])} failed: {detail}")
        self.result = result


@dataclass(frozen=True)
class DbtResult:
    args: list[str]
    success: bool
    elapsed_seconds: float
    statuses: dict[str, str] = field(default_factory=dict)  # unique_id -> pass/warn/fail/error/success/…
    failures: list[str] = field(default_factory=list)  # "unique_id: message" for fail/error
    warnings: list[str] = field(default_factory=list)  # "unique_id: message" for warn
    error: str | None = None  # an exception dbt raised before running nodes (parse error, bad profile …)

    def count(self, *statuses: str) -> int:
        return sum(1 for status in self.statuses.values() if status in statuses)


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def invoke(
    args: Sequence[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    target: str = "local",
    target_path: str | os.PathLike[str] | None = None,
    dbt_vars: Mapping[str, Any] | None = None,
    quiet: bool = False,
    check: bool = True,
) -> DbtResult:
    """Run one dbt command (``args`` such as ``["build"]``) against ``target`` and summarise the outcome.

    ``target_path`` (default ``dbt_project/target``) also holds dbt's logs, so concurrent runs given their own
    folders never share files. Raises :class:`DbtRunError` when dbt fails and ``check`` is true.
    """
    from dbt.cli.main import dbtRunner  # imported lazily: dbt is heavy and only needed here

    paths = data_paths(data_dir)
    out_dir = Path(target_path) if target_path is not None else PROJECT_DIR / "target"
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        target,
        "--target-path",
        str(out_dir),
        "--log-path",
        str(out_dir / "logs"),
    ]
    if dbt_vars:
        full_args += ["--vars", yaml.safe_dump(dict(dbt_vars), default_flow_style=True).strip()]
    if quiet:
        full_args.append("--quiet")
    started = time.perf_counter()
    with _environment({"PCA_DATA_DIR": str(paths.root), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        outcome = dbtRunner().invoke(full_args)
    _release_duckdb()
    result = _summarise(list(args), outcome, time.perf_counter() - started)
    if check and not result.success:
        raise DbtRunError(result)
    return result


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run, so the warehouse can be
    opened again (read-only, or by another process) once dbt is done."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dev dependency
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
            DuckDBConnectionManager._ENV = None


def _summarise(args: list[str], outcome: Any, elapsed: float) -> DbtResult:
    statuses: dict[str, str] = {}
    failures: list[str] = []
    warnings: list[str] = []
    for node_result in getattr(outcome.result, "results", None) or []:
        node = getattr(node_result, "node", None)
        unique_id = getattr(node, "unique_id", "?")
        status = str(getattr(node_result, "status", "")).lower()
        statuses[unique_id] = status
        message = f"{unique_id}: {node_result.message}"
        if status in ("fail", "error", "runtime error"):
            failures.append(message)
        elif status == "warn":
            warnings.append(message)
    error = str(outcome.exception) if outcome.exception is not None else None
    return DbtResult(args, bool(outcome.success), elapsed, statuses, failures, warnings, error)


def build(
    data_dir: str | os.PathLike[str] | None = None,
    target: str = "local",
    *,
    select: str | None = None,
    full_refresh: bool = False,
    materialize_current_state: bool = False,
    target_path: str | os.PathLike[str] | None = None,
    threads: int | None = None,
    quiet: bool = False,
    check: bool = True,
) -> DbtResult:
    """``dbt build``: models, unit tests, contracts and data tests. ``materialize_current_state`` is the scale
    switch (incremental current-state tables instead of views)."""
    if target == "local":
        check_local_lake(data_paths(data_dir))
    args = ["build"]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    if threads:
        args += ["--threads", str(threads)]
    dbt_vars = {"materialize_current_state": True} if materialize_current_state else None
    return invoke(
        args,
        data_dir=data_dir,
        target=target,
        target_path=target_path,
        dbt_vars=dbt_vars,
        quiet=quiet,
        check=check,
    )


def parse(target: str = "prod", *, target_path: str | os.PathLike[str] | None = None) -> DbtResult:
    """``dbt parse``: reads and validates the whole project for ``target`` without a connection."""
    return invoke(["parse"], target=target, target_path=target_path)


def docs_generate(
    data_dir: str | os.PathLike[str] | None = None, *, target_path: str | os.PathLike[str] | None = None
) -> DbtResult:
    """``dbt docs generate`` on the DuckDB target (the catalog reads the warehouse if it was built)."""
    return invoke(["docs", "generate"], data_dir=data_dir, target_path=target_path)


def _connect(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    if not paths.warehouse.exists():
        raise FileNotFoundError(f"{paths.warehouse} does not exist: run `pca dbt build` (or `make up`) first")
    return duckdb.connect(str(paths.warehouse), read_only=True)


def mart_row_counts(data_dir: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Rows in each mart of the DuckDB warehouse."""
    with _connect(data_paths(data_dir)) as connection:
        counts: dict[str, int] = {}
        for mart in MARTS:
            row = connection.execute(f"select count(*) from {CURATED_SCHEMA}.{mart}").fetchall()[0]
            counts[mart] = int(row[0])
        return counts


def direction_counts(data_dir: str | os.PathLike[str] | None = None) -> list[tuple[str, int]]:
    """The runbook's Test 2 query on the DuckDB warehouse, ordered by direction."""
    with _connect(data_paths(data_dir)) as connection:
        rows = connection.execute(DIRECTION_QUERY).fetchall()
    return sorted((str(direction), int(count)) for direction, count in rows)


def print_summary(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Print mart row counts and the runbook's Test 2 answer (used by ``make up``)."""
    for mart, rows in mart_row_counts(data_dir).items():
        print(f"  {CURATED_SCHEMA}.{mart:<24} {rows:>9,} rows")
    print(f"\n  {DIRECTION_QUERY}")
    print(f"  {'direction':<10} {'cnt':>8}")
    for direction, count in direction_counts(data_dir):
        print(f"  {direction:<10} {count:>8}")


def describe(result: DbtResult) -> str:
    """One line: what ran and how it went."""
    parts = [
        f"{result.count('success')} models",
        f"{result.count('pass')} tests passed",
        f"{result.count('warn')} warned",
        f"{result.count('fail', 'error')} failed",
    ]
    return f"dbt {' '.join(result.args)}: " + ", ".join(parts) + f" in {result.elapsed_seconds:.1f} s"


class PipelineContext(Protocol):
    paths: DataPaths
    results: dict[str, Any]


def write_answers(data_dir: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Copy the marts of the DuckDB warehouse into ``answers.duckdb``, the only database answers read."""
    from lambdas.shared.query_engines import write_answer_database

    paths = data_paths(data_dir)
    return write_answer_database(paths.warehouse, paths.answers, marts=MARTS, schema=CURATED_SCHEMA)


def build_step(ctx: PipelineContext) -> None:
    """The ``pca up`` step: ``dbt build`` on DuckDB, the answer database, then mart row counts and the
    runbook's Test 2."""
    result = build(ctx.paths.root, quiet=True)
    print(f"  {describe(result)}")
    answers = write_answers(ctx.paths.root)
    print(f"  answer database: {len(answers)} marts copied as tables to {ctx.paths.answers}")
    ctx.results["dbt"] = {
        "elapsed_seconds": round(result.elapsed_seconds, 1),
        "marts": mart_row_counts(ctx.paths.root),
    }
    print_summary(ctx.paths.root)


# ── pca dbt … ────────────────────────────────────────────────────────────────────────────────────────────


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["build", "parse", "docs"], help="what to run")
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument(
        "--target",
        default=None,
        help="dbt target: local (default), prod (production schemas), dev or ci (prefixed schemas)",
    )
    parser.add_argument(
        "--materialize-current-state",
        action="store_true",
        help="build: the scale switch (incremental current-state tables instead of views)",
    )
    parser.add_argument("--full-refresh", action="store_true", help="build: rebuild incremental tables")
    parser.add_argument("--select", default=None, help="build: dbt node selection")
    parser.add_argument("--serve", action="store_true", help="docs: serve the site after generating it")
    parser.add_argument("--port", type=int, default=8080, help="docs: port for --serve (default 8080)")


def run(args: argparse.Namespace) -> int:
    if args.action == "parse":
        result = parse(args.target or "prod")
        print(f"dbt parse --target {args.target or 'prod'}: ok in {result.elapsed_seconds:.1f} s")
        return 0
    if args.action == "build":
        result = build(
            args.data_dir,
            args.target or "local",
            select=args.select,
            full_refresh=args.full_refresh,
            materialize_current_state=args.materialize_current_state,
        )
        print(describe(result))
        if (args.target or "local") == "local":
            answers = write_answers(args.data_dir)
            print(
                f"answer database: {len(answers)} marts copied as tables to {data_paths(args.data_dir).answers}"
            )
            print_summary(args.data_dir)
        return 0
    docs_generate(args.data_dir)
    print(f"docs generated in {PROJECT_DIR / 'target'}")
    if args.serve:
        invoke(
            ["docs", "serve", "--port", str(args.port), "--host", "127.0.0.1", "--no-browser"],
            data_dir=args.data_dir,
        )
    return 0
