"""The Python API and `pca dbt` command around dbt: errors a user can act on, and the offline Athena parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import dbt_runner
from orchestration.cli import main


def test_build_without_a_change_log_says_how_to_make_one(tmp_path: Path) -> None:
    (tmp_path / "lake" / "calls" / "dt=2026-08-01").mkdir(parents=True)
    (tmp_path / "lake" / "calls" / "dt=2026-08-01" / "part.parquet").write_bytes(b"")
    with pytest.raises(dbt_runner.MissingChangeLogError, match=r"lake/scorecards: run `pca up`"):
        dbt_runner.build(tmp_path)


def test_row_counts_without_a_warehouse_say_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"warehouse.duckdb does not exist: run `pca dbt build`"):
        dbt_runner.mart_row_counts(tmp_path)


@pytest.mark.slow
def test_pca_dbt_parse_checks_the_production_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dbt", "parse"]) == 0
    assert "dbt parse --target prod: ok" in capsys.readouterr().out


@pytest.mark.slow
def test_a_failing_build_raises_with_the_failing_model(tmp_path: Path) -> None:
    for table in ("calls", "scorecards"):
        folder = tmp_path / "lake" / table / "dt=2026-08-01"
        folder.mkdir(parents=True)
        (folder / "part.parquet").write_bytes(b"not parquet")
    with pytest.raises(
        dbt_runner.DbtRunError, match=r"model\.post_call_analytics\.stg_dynamodb__calls"
    ) as raised:
        dbt_runner.build(tmp_path, select="stg_dynamodb__calls", target_path=tmp_path / "target", quiet=True)
    assert raised.value.result.failures
    assert not raised.value.result.success
