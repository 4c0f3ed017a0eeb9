"""The dev container the runbook's step 0 opens has Python 3.11, Node 20, Terraform and the AWS CLI."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_dev_container_provides_the_runbooks_tools() -> None:
    config = json.loads((REPO / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))

    assert "python:1-3.11" in config["image"]
    features = config["features"]
    assert features["ghcr.io/devcontainers/features/node:1"]["version"] == "20"
    assert "ghcr.io/devcontainers/features/terraform:1" in features
    assert "ghcr.io/devcontainers/features/aws-cli:1" in features
    assert config["postCreateCommand"] == "make install"
