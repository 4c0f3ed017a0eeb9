"""Fixtures for the answering tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from answering_fakes import ScriptedServer, build_tiny_warehouse


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def tiny_warehouse(tmp_path: Path) -> tuple[Path, Path]:
    return build_tiny_warehouse(tmp_path)
