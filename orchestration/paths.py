"""Where the embedded run keeps its files. Read from the environment in one place.

``PCA_DATA_DIR`` (default ``./data``) holds everything generated locally:

- ``transcribe/``      stands in for the Transcribe output bucket (``analytics/<job>.json``)
- ``source/export/``   the source tables' final state as a DynamoDB export (``<table>/data/*.json.gz``)
- ``source/stream/``   the source tables' change feed as DynamoDB Streams records (``<table>/*.jsonl.gz``)
- ``lake/``            the raw change log (``<table>/dt=YYYY-MM-DD/*.parquet``, ``quarantine/``)
- ``warehouse.duckdb`` the dbt ``local`` target
- ``answers.duckdb``   the marts alone, as tables: the database every answer is read from
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def transcribe(self) -> Path:
        return self.root / "transcribe"

    @property
    def export(self) -> Path:
        return self.root / "source" / "export"

    @property
    def stream(self) -> Path:
        return self.root / "source" / "stream"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def answers(self) -> Path:
        return self.root / "answers.duckdb"


def data_paths(root: str | os.PathLike[str] | None = None) -> DataPaths:
    """The data folder: ``root`` if given, else ``$PCA_DATA_DIR``, else ``./data`` (always absolute)."""
    chosen = root if root is not None else os.environ.get("PCA_DATA_DIR", "data")
    return DataPaths(Path(chosen).resolve())
