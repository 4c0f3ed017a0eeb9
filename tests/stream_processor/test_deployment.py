"""What Terraform deploys matches what the stream processor does: its architecture, compression and metrics."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from lambdas.stream_processor.lake import PARQUET_COMPRESSION
from tests.terraform import hcl

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "scripts") not in sys.path:
    sys.path.insert(0, str(REPO / "scripts"))
package_lambdas = importlib.import_module("package_lambdas")
HANDLER = (REPO / "lambdas" / "stream_processor" / "handler.py").read_text()


def emitted_metrics() -> set[str]:
    return set(re.findall(r'add_metric\(name="([A-Za-z]+)"', HANDLER))


def test_graviton_is_every_functions_default_architecture_and_terraform_agrees() -> None:
    assert {f.architecture for f in package_lambdas.FUNCTIONS.values()} == {"arm64"}
    root = hcl.root()
    assert root.variables["lambda_architecture"]["default"] == "arm64"
    assert root.modules["data_pipeline"]["architecture"] == "${var.lambda_architecture}"
    assert root.modules["bedrock_agent"]["architecture"] == "${var.lambda_architecture}"
    layer = root.data["aws_ssm_parameter"]["aws_sdk_pandas_layer"]["name"]
    assert layer.endswith("/py3.11/${var.lambda_architecture}/layer-arn")
    for module, resource in (("data_pipeline", "stream_processor"), ("bedrock_agent", "executor")):
        function = hcl.child(module).resource("aws_lambda_function", resource)
        assert function["architectures"] == ["${var.architecture}"], module


def test_the_raw_glue_tables_declare_the_compression_the_processor_writes() -> None:
    table = hcl.child("data_pipeline").resource("aws_glue_catalog_table", "raw")
    assert table["parameters"]["parquet.compression"] == PARQUET_COMPRESSION.upper() == "SNAPPY"


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [("stream_write_failures", "WriteFailures"), ("stream_records_quarantined", "RecordsQuarantined")],
)
def test_the_processors_failure_metrics_have_alarms_on_the_dimension_powertools_emits(
    alarm: str, metric: str
) -> None:
    monitoring = hcl.child("monitoring")
    found = monitoring.resource("aws_cloudwatch_metric_alarm", alarm)
    assert metric in emitted_metrics()
    assert found["metric_name"] == metric
    assert found["namespace"] == "${var.metrics_namespace}"
    assert monitoring.variables["metrics_namespace"]["default"] == "PostCallAnalytics"
    assert 'Metrics(namespace="PostCallAnalytics", service="stream-processor")' in HANDLER
    assert found["dimensions"] == {"service": "${var.stream_processor_service}"}
    assert monitoring.variables["stream_processor_service"]["default"] == "stream-processor"
    assert found["statistic"] == "Sum" and found["comparison_operator"] == "GreaterThanThreshold"
    assert found["alarm_actions"] == "${local.alarm_arns}"
    assert f'"{metric}"' in monitoring.resource("aws_cloudwatch_dashboard", "main")["dashboard_body"]


def test_the_deployment_guide_says_what_each_new_alarm_means_and_what_to_do() -> None:
    guide = (REPO / "docs" / "deployment.md").read_text()
    monitoring = guide[guide.index("## Monitoring") : guide.index("## Dead-letter queue")]
    for alarm in ("Stream processor write failures", "Records quarantined"):
        (row,) = [line for line in monitoring.splitlines() if line.startswith(f"| {alarm}")]
        assert row.count("|") == 4 and len(row) > 80, row
