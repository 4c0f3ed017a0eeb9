"""scripts/run-crawlers.sh (the runbook's name) now runs `dbt build` on Athena with the deployment's settings.

`terraform` and `dbt` are replaced by small recording programs on PATH: the test checks which settings the
script derives from Terraform's outputs and how it calls dbt, not dbt itself (dbt's Athena target has its own
tests under tests/dbt).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "run-crawlers.sh"
OUTPUTS = {
    "curated_database_name": "post_call_analytics",
    "raw_database_name": "post_call_analytics_raw",
    "athena_dbt_workgroup": "post-call-analytics-dbt",
    "athena_results_bucket_name": "post-call-analytics-ath-123456789012-eu-west-1",
    "analytics_bucket_name": "post-call-analytics-lake-123456789012-eu-west-1",
    "dbt_build_project_name": "post-call-analytics-dbt-build",
}


def _program(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _tools(tmp_path: Path, outputs: dict[str, str] | None) -> tuple[dict[str, str], Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "dbt-call.json"
    _program(
        bin_dir / "dbt",
        f"""python3 - "$@" <<'PY'
import json, os, sys
json.dump({{"argv": sys.argv[1:], "env": {{k: v for k, v in os.environ.items() if k.startswith(("PCA_", "AWS_"))}}}},
          open({str(record)!r}, "w"))
PY
""",
    )
    if outputs is not None:
        cases = "\n".join(f'  {name}) echo -n "{value}" ;;' for name, value in outputs.items())
        _program(
            bin_dir / "terraform", f'name="${{@: -1}}"\ncase "$name" in\n{cases}\n  *) exit 1 ;;\nesac\n'
        )
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TF_DATA_DIR": str(tmp_path / "tfdata"),
        "AWS_REGION": "eu-west-1",
        "DBT": str(bin_dir / "dbt"),
    }
    return env, record


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_runs_dbt_build_on_athena_with_settings_from_terraform_outputs(tmp_path: Path) -> None:
    env, record = _tools(tmp_path, OUTPUTS)

    result = _run(env, "--select", "calls")

    assert result.returncode == 0, result.stderr
    call = json.loads(record.read_text())
    project = str(REPO / "dbt_project")
    assert call["argv"] == [
        "build",
        "--target",
        "prod",
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--select",
        "calls",
    ]
    assert call["env"]["PCA_DBT_TARGET"] == "prod"
    assert call["env"]["PCA_ATHENA_SCHEMA"] == "post_call_analytics"
    assert call["env"]["PCA_RAW_SCHEMA"] == "post_call_analytics_raw"
    assert call["env"]["PCA_ATHENA_WORKGROUP"] == "post-call-analytics-dbt"
    assert call["env"]["PCA_ATHENA_S3_STAGING_DIR"] == f"s3://{OUTPUTS['athena_results_bucket_name']}/dbt/"
    assert call["env"]["PCA_ATHENA_S3_DATA_DIR"] == f"s3://{OUTPUTS['analytics_bucket_name']}/curated/"
    assert call["env"]["AWS_REGION"] == "eu-west-1"
    assert "Building the curated schema post_call_analytics with dbt on Athena" in result.stdout


def test_settings_already_in_the_environment_win(tmp_path: Path) -> None:
    env, record = _tools(tmp_path, OUTPUTS)
    env["PCA_ATHENA_WORKGROUP"] = "my-workgroup"

    result = _run(env)

    assert result.returncode == 0, result.stderr
    assert json.loads(record.read_text())["env"]["PCA_ATHENA_WORKGROUP"] == "my-workgroup"


def test_without_a_deployment_it_says_to_apply_terraform_first(tmp_path: Path) -> None:
    env, record = _tools(tmp_path, outputs=None)

    result = _run(env)

    assert result.returncode == 1
    assert "run 'terraform init && terraform apply' in terraform/ first" in result.stderr
    assert not record.exists()


def test_dry_run_prints_the_dbt_command_and_runs_nothing(tmp_path: Path) -> None:
    env, record = _tools(tmp_path, OUTPUTS)

    result = _run(env, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "build --target prod" in result.stdout
    assert not record.exists()


def test_codebuild_mode_starts_the_scheduled_build_project(tmp_path: Path) -> None:
    env, _ = _tools(tmp_path, OUTPUTS)
    _program(tmp_path / "bin" / "aws", "echo aws-cli-stub\n")

    result = _run(env, "--codebuild", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "aws codebuild start-build --project-name post-call-analytics-dbt-build" in result.stdout


def test_help_describes_the_script(tmp_path: Path) -> None:
    result = _run({"PATH": "/usr/bin:/bin", **{k: v for k, v in os.environ.items() if k == "HOME"}}, "--help")

    assert result.returncode == 0
    assert "no Glue crawlers" in result.stdout
