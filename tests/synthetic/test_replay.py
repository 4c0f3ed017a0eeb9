"""The embedded run: the generated feed replayed through the stream processor gives the tables' final state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from lambdas.stream_processor.lake import Lake
from orchestration.cli import main
from orchestration.paths import data_paths
from orchestration.replay import replay
from orchestration.synthetic.feed import GenerateOptions, generate
from tests.stream_processor.test_moto_integration import current_state

from .test_generator import final_items


def test_replay_with_a_redelivered_batch_and_a_poison_record_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    paths = data_paths(tmp_path)
    summary = generate(
        paths,
        GenerateOptions(
            calls=600, days=20, seed=2, end_date=date(2026, 5, 1), transcripts=False, progress=False
        ),
    )
    result = replay(paths, batch_size=100, inject_poison=True, progress=False)

    assert result.redelivered_records > 0 and result.failed_batches == 0
    for table in ("calls", "scorecards"):
        events = sum(n for name, n in summary.events.items() if name.startswith(f"{table}."))
        assert result.rows[table] == events  # the redelivered batch overwrote its own objects
    assert result.quarantined == 1 and result.files["quarantine"] == 1

    lake = Lake.from_uri(str(paths.lake))
    for table, key in (("calls", "call_id"), ("scorecards", "evaluation_id")):
        expected = {
            json.dumps({key: item[key]}, separators=(",", ":")): item for item in final_items(paths, table)
        }
        assert current_state(lake, table) == expected


def test_pca_up_runs_the_pipeline_and_prints_a_summary(tmp_path: Path, capsys: object) -> None:
    assert (
        main(
            [
                "up",
                "--no-serve",
                "--calls",
                "300",
                "--days",
                "10",
                "--end-date",
                "2026-04-01",
                "--quiet",
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "lake/calls:" in out and "lake/quarantine: 1 file(s), 1 record(s) quarantined" in out
    assert "written as SNAPSHOT events" in out
    assert any((tmp_path / "lake" / "calls").rglob("backfill-*.parquet"))
