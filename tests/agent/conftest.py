"""Fixtures for the agent tests: a tiny DuckDB warehouse over a Parquet lake, and its schema catalog."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lambdas.athena_executor.catalog import SchemaCatalog

TINY_CATALOG = {
    "format_version": 1,
    "database": "post_call_analytics",
    "tables": [
        {
            "name": "calls",
            "relation": "post_call_analytics.calls",
            "description": "One row per call.",
            "columns": [
                {"name": "call_id", "data_type": "varchar", "description": "Call id."},
                {"name": "direction", "data_type": "varchar", "description": "INBOUND or OUTBOUND."},
                {"name": "agent_name", "data_type": "varchar", "description": "Agent."},
                {"name": "duration_ms", "data_type": "bigint", "description": "Duration.", "unit": "ms"},
                {"name": "summary_text", "data_type": "varchar", "description": "Summary."},
            ],
        },
    ],
}


@dataclass(frozen=True)
class TinyWarehouse:
    root: Path
    warehouse: Path
    lake: Path
    catalog: SchemaCatalog


@pytest.fixture
def tiny_warehouse(tmp_path: Path) -> TinyWarehouse:
    lake = tmp_path / "lake"
    (lake / "calls" / "dt=2026-01-01").mkdir(parents=True)
    warehouse = tmp_path / "warehouse.duckdb"
    parquet = lake / "calls" / "dt=2026-01-01" / "part.parquet"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            f"""
            copy (
                select
                    'call-' || lpad(i::varchar, 4, '0') as call_id,
                    case when i % 3 = 0 then 'OUTBOUND' else 'INBOUND' end as direction,
                    'Agent ' || (i % 4)::varchar as agent_name,
                    (60000 + i * 1000)::bigint as duration_ms,
                    repeat('words ', 200) as summary_text
                from range(1, 301) as t(i)
            ) to '{parquet}' (format parquet)
            """
        )
        connection.execute("create schema post_call_analytics")
        connection.execute(
            f"create view post_call_analytics.calls as "
            f"select * from read_parquet('{lake}/calls/*/*.parquet', hive_partitioning = true)"
        )
        # Beside the mart: what a query must never reach (another schema, a non-mart view in the curated one).
        connection.execute("create view main.secrets as select 'hunter2' as password")
        connection.execute("create view post_call_analytics.not_a_mart as select 'hunter2' as password")
    return TinyWarehouse(tmp_path, warehouse, lake, SchemaCatalog.from_document(TINY_CATALOG))


@dataclass(frozen=True)
class BuiltWarehouse:
    root: Path
    warehouse: Path
    lake: Path
    last_day: date


def build_local_warehouse(root: Path, *, calls: int, days: int, seed: int, end_date: date) -> BuiltWarehouse:
    """Generate a small contact centre, replay it into a lake and build the dbt ``local`` target over it."""
    from orchestration.paths import data_paths
    from orchestration.replay import replay
    from orchestration.synthetic.feed import GenerateOptions, generate

    paths = data_paths(root)
    generate(
        paths,
        GenerateOptions(
            calls=calls, days=days, seed=seed, end_date=end_date, transcripts=False, progress=False
        ),
    )
    replay(paths, progress=False)
    dbt = Path(sys.executable).with_name("dbt")
    project = Path(__file__).resolve().parents[2] / "dbt_project"
    completed = subprocess.run(
        [
            str(dbt),
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
        ],
        env={**os.environ, "PCA_DATA_DIR": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return BuiltWarehouse(root, paths.warehouse, paths.lake, end_date)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The dbt ``local`` target built once per test session over 400 generated calls."""
    return build_local_warehouse(
        tmp_path_factory.mktemp("warehouse"), calls=400, days=60, seed=11, end_date=date(2026, 6, 30)
    )
