"""scripts/create-user.sh invites a user to the Cognito pool, idempotently, with clear errors (moto cognito-idp)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "create-user.sh"


def _pool() -> str:
    client = boto3.client("cognito-idp")
    pool = client.create_user_pool(
        PoolName="post-call-analytics",
        UsernameAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )
    return str(pool["UserPool"]["Id"])


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
        cwd=REPO / "lambdas" / "stream_processor",  # the runbook runs it from there
    )


def test_invites_a_new_user_with_a_verified_email_and_prints_next_steps(aws_env: str) -> None:
    pool = _pool()

    completed = _run("admin@yourcompany.com", env={"COGNITO_USER_POOL_ID": pool})

    assert completed.returncode == 0, completed.stderr
    assert "Invited admin@yourcompany.com" in completed.stdout and "Next:" in completed.stdout
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username="admin@yourcompany.com")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "admin@yourcompany.com" and attributes["email_verified"] == "true"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_running_again_changes_nothing_and_says_so(aws_env: str) -> None:
    pool = _pool()
    assert _run("analyst@example.com", "--user-pool-id", pool).returncode == 0

    again = _run("analyst@example.com", "--user-pool-id", pool)

    assert again.returncode == 0
    assert "already exists" in again.stdout and "--resend" in again.stdout
    users = boto3.client("cognito-idp").list_users(UserPoolId=pool)["Users"]
    assert len(users) == 1


def test_resend_sends_the_invitation_again(aws_env: str) -> None:
    pool = _pool()
    _run("analyst@example.com", "--user-pool-id", pool)
    completed = _run("analyst@example.com", "--user-pool-id", pool, "--resend")
    assert completed.returncode == 0 and "sent again" in completed.stdout


def test_dry_run_creates_nothing(aws_env: str) -> None:
    pool = _pool()
    completed = _run("analyst@example.com", "--user-pool-id", pool, "--dry-run")
    assert completed.returncode == 0 and "Would invite" in completed.stdout
    assert boto3.client("cognito-idp").list_users(UserPoolId=pool)["Users"] == []


def test_clear_errors_for_a_bad_address_a_missing_pool_and_no_pool_at_all(aws_env: str) -> None:
    pool = _pool()
    bad = _run("not-an-address", "--user-pool-id", pool)
    assert bad.returncode == 1 and "is not an e-mail address" in bad.stderr

    missing = _run("a@example.com", "--user-pool-id", "us-east-1_doesnotexist")
    assert missing.returncode == 1 and "No user pool us-east-1_doesnotexist" in missing.stderr

    unknown = _run("a@example.com", env={"COGNITO_USER_POOL_ID": "", "TF_DATA_DIR": ""})
    assert unknown.returncode == 1 and "no user pool" in unknown.stderr

    usage = _run()
    assert usage.returncode == 1 and "usage:" in usage.stderr
