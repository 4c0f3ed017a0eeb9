"""The deployed dbt build keeps current state incrementally by default, publishes each successful merge, and
operators see its age and bytes scanned per query; an alarm fires after two schedule intervals without a merge.
The buildspec's publishing step runs here in bash with a recording `aws` on the PATH."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from . import hcl
from .hcl import REPO, first

BUILDSPEC = yaml.safe_load((REPO / "orchestration" / "buildspec.yml").read_text(encoding="utf-8"))


def test_the_scheduled_build_turns_the_scale_switch_on_by_default() -> None:
    root = hcl.root()
    assert root.variables["dbt_materialize_current_state"]["default"] is True
    assert (
        root.modules["orchestration"]["materialize_current_state"] == "${var.dbt_materialize_current_state}"
    )
    module = hcl.child("orchestration")
    assert module.variables["materialize_current_state"]["default"] is True
    project = module.resource("aws_codebuild_project", "dbt_build")
    environment = {v["name"]: v["value"] for v in first(project["environment"])["environment_variable"]}
    assert (
        environment["PCA_MATERIALIZE_CURRENT_STATE"] == '${var.materialize_current_state ? "true" : "false"}'
    )
    assert environment["PCA_METRICS_NAMESPACE"] == "${var.metrics_namespace}"
    (build,) = BUILDSPEC["phases"]["build"]["commands"]
    assert build.startswith("dbt build --target prod")
    assert '--vars "{materialize_current_state: ${PCA_MATERIALIZE_CURRENT_STATE:-true}}"' in build


def test_the_build_may_publish_metrics_only_to_its_namespace() -> None:
    module = hcl.child("orchestration")
    statement = next(s for s in module.policy_statements()["build"] if s.get("sid") == "PublishMergeMetrics")
    assert statement["actions"] == ["cloudwatch:PutMetricData"]
    condition = first(statement["condition"])
    assert (condition["test"], condition["variable"]) == ("StringEquals", "cloudwatch:namespace")
    assert condition["values"] == ["${var.metrics_namespace}"]


def _post_build(tmp_path: Path, **environment: str) -> list[str]:
    log = tmp_path / "aws.log"
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$*" >> "{log}"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": f"{fake.parent}:{os.environ['PATH']}",
        "CODEBUILD_BUILD_ID": "pca-dbt-build:1234",
        **environment,
    }
    for command in BUILDSPEC["phases"]["post_build"]["commands"]:
        subprocess.run(["bash", "-euo", "pipefail", "-c", command], env=env, check=True)
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_a_successful_merge_publishes_the_heartbeat_and_its_time(tmp_path: Path) -> None:
    (call,) = _post_build(tmp_path, CODEBUILD_BUILD_SUCCEEDING="1", PCA_METRICS_NAMESPACE="Pca")
    assert call.startswith("cloudwatch put-metric-data --namespace Pca --metric-data ")
    assert "MetricName=CurrentStateMerges,Dimensions=[{Name=ProjectName,Value=pca-dbt-build}],Value=1" in call
    assert "MetricName=LastMergeEpochSeconds,Dimensions=[{Name=ProjectName,Value=pca-dbt-build}]" in call


@pytest.mark.parametrize(
    "environment",
    [
        {"CODEBUILD_BUILD_SUCCEEDING": "0"},
        {"CODEBUILD_BUILD_SUCCEEDING": "1", "PCA_MATERIALIZE_CURRENT_STATE": "false"},
    ],
    ids=["failed build", "switch off"],
)
def test_no_merge_is_published_for_a_failed_build_or_with_the_switch_off(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    assert _post_build(tmp_path, **environment) == []


def test_an_alarm_fires_after_two_schedule_intervals_without_a_merge() -> None:
    root = hcl.root()
    inputs = root.modules["monitoring"]
    assert inputs["merge_interval_minutes"] == (
        "${var.dbt_materialize_current_state ? var.dbt_schedule_interval_minutes : null}"
    )
    assert inputs["merge_metrics_namespace"] == "${module.orchestration.metrics_namespace}"
    alarm = hcl.child("monitoring").resource("aws_cloudwatch_metric_alarm", "current_state_merge_age")
    assert alarm["count"] == "${local.merge_alarm ? 1 : 0}"
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == (
        "${var.merge_metrics_namespace}",
        "CurrentStateMerges",
        "Sum",
    )
    assert alarm["dimensions"] == {"ProjectName": "${var.dbt_build_project_name}"}
    assert alarm["period"] == "${coalesce(var.merge_interval_minutes, 1) * 60}"
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (2, 2)
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 1)
    assert alarm["treat_missing_data"] == "breaching"
    assert alarm["alarm_actions"] == "${local.alarm_arns}"
    # CloudWatch evaluates at most 7 days: two intervals of at most 3.5 days
    validation = first(root.variables["dbt_schedule_interval_minutes"]["validation"])
    assert "<= 5040" in validation["condition"]


def test_dashboard_shows_bytes_scanned_per_query_and_the_merge_age() -> None:
    body = hcl.child("monitoring").resource("aws_cloudwatch_dashboard", "main")["dashboard_body"]
    assert '"ProcessedBytes"' in body and "var.bytes_scanned_cutoff" in body
    assert '"LastMergeEpochSeconds"' in body
    assert "EPOCH(FILL(merged, REPEAT)) - FILL(merged, REPEAT)" in body
