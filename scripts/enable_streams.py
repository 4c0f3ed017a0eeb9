"""Turn on DynamoDB Streams (NEW_AND_OLD_IMAGES) on the calls and scorecards tables, and wait until they run.

Run through ``bash scripts/enable-streams.sh``. Idempotent: a table whose stream already carries
``NEW_AND_OLD_IMAGES`` is left alone. A table streaming another view type is refused unless ``--force`` is
given, because replacing a stream gives it a new ARN and its current consumers stop receiving records.

Table names: ``--calls-table``/``--scorecards-table``, else ``$CALLS_TABLE_NAME``/``$SCORECARDS_TABLE_NAME``,
else ``terraform/terraform.tfvars``, else ``calls`` and ``scorecards``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient

REPO = Path(__file__).resolve().parent.parent
VIEW_TYPE = "NEW_AND_OLD_IMAGES"
SOURCES = {"calls": "CALLS_TABLE_NAME", "scorecards": "SCORECARDS_TABLE_NAME"}


class StreamSetupError(RuntimeError):
    """A table's stream cannot be set up as asked; the message says what to do."""


@dataclass(frozen=True)
class StreamState:
    table: str
    enabled: bool
    view_type: str | None
    stream_arn: str | None
    table_status: str


def tfvars_table_names(path: Path) -> dict[str, str]:
    """``calls_table_name``/``scorecards_table_name`` from terraform.tfvars (``key = "value"`` lines)."""
    if not path.is_file():
        return {}
    names: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r'^\s*(calls|scorecards)_table_name\s*=\s*"([^"]+)"', line)
        if match:
            names[match.group(1)] = match.group(2)
    return names


def resolve_table_names(
    calls: str | None, scorecards: str | None, env: Mapping[str, str], tfvars: Path
) -> dict[str, str]:
    from_file = tfvars_table_names(tfvars)
    given = {"calls": calls, "scorecards": scorecards}
    return {
        source: given[source] or env.get(variable) or from_file.get(source) or source
        for source, variable in SOURCES.items()
    }


def stream_state(dynamodb: DynamoDBClient, table: str) -> StreamState:
    try:
        description = dynamodb.describe_table(TableName=table)["Table"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            region = dynamodb.meta.region_name
            raise StreamSetupError(
                f"table {table!r} does not exist in {region}: check the table name and AWS_REGION"
            ) from None
        raise
    spec: Mapping[str, Any] = description.get("StreamSpecification") or {}
    enabled = bool(spec.get("StreamEnabled"))
    return StreamState(
        table=table,
        enabled=enabled,
        view_type=str(spec["StreamViewType"]) if enabled and spec.get("StreamViewType") else None,
        stream_arn=description.get("LatestStreamArn") if enabled else None,
        table_status=str(description.get("TableStatus", "")),
    )


def wait_for(
    what: str, check: Callable[[], bool], timeout: float, interval: float, sleep: Callable[[float], None]
) -> None:
    waited = 0.0
    while not check():
        if waited >= timeout:
            raise StreamSetupError(f"gave up after {timeout:.0f} s waiting for {what}")
        sleep(interval)
        waited += interval


def ensure_stream(
    dynamodb: DynamoDBClient,
    streams: DynamoDBStreamsClient,
    table: str,
    *,
    force: bool = False,
    dry_run: bool = False,
    timeout: float = 600,
    interval: float = 5,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = print,
) -> str | None:
    """Make ``table`` stream NEW_AND_OLD_IMAGES and wait until the stream is ENABLED; return its ARN."""
    state = stream_state(dynamodb, table)
    if state.enabled and state.view_type == VIEW_TYPE:
        log(f"{table}: stream already enabled with {VIEW_TYPE} ({state.stream_arn})")
    elif state.enabled:
        if not force:
            raise StreamSetupError(
                f"{table} already streams {state.view_type}, but the raw change log needs {VIEW_TYPE}. "
                "Replacing the stream gives it a new ARN and its current consumers stop receiving records; "
                "re-run with --force to replace it"
            )
        log(f"{table}: replacing its {state.view_type} stream with {VIEW_TYPE} (--force)")
        if dry_run:
            return state.stream_arn
        wait_for(
            f"{table} to be ACTIVE",
            lambda: stream_state(dynamodb, table).table_status == "ACTIVE",
            timeout,
            interval,
            sleep,
        )
        dynamodb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
        log(f"{table}: old stream disabled; waiting for the table")
        wait_for(
            f"{table}'s old stream to be disabled",
            lambda: (s := stream_state(dynamodb, table)).table_status == "ACTIVE" and not s.enabled,
            timeout,
            interval,
            sleep,
        )
        _enable(dynamodb, table, log)
    else:
        log(f"{table}: enabling its stream with {VIEW_TYPE}")
        if dry_run:
            return None
        wait_for(
            f"{table} to be ACTIVE",
            lambda: stream_state(dynamodb, table).table_status == "ACTIVE",
            timeout,
            interval,
            sleep,
        )
        _enable(dynamodb, table, log)

    def stream_enabled() -> bool:
        current = stream_state(dynamodb, table)
        if not (current.enabled and current.stream_arn and current.table_status == "ACTIVE"):
            return False
        status = streams.describe_stream(StreamArn=current.stream_arn)["StreamDescription"]["StreamStatus"]
        return status == "ENABLED"

    if dry_run:
        return state.stream_arn
    wait_for(f"{table}'s stream to be ENABLED", stream_enabled, timeout, interval, sleep)
    arn = stream_state(dynamodb, table).stream_arn
    log(f"{table}: stream ENABLED ({arn})")
    return arn


def _enable(dynamodb: DynamoDBClient, table: str, log: Callable[[str], None]) -> None:
    dynamodb.update_table(
        TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    )
    log(f"{table}: update requested; waiting for the stream")


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls-table", help="name of the calls table")
    parser.add_argument("--scorecards-table", help="name of the scorecards table")
    parser.add_argument(
        "--force", action="store_true", help=f"replace a stream of another view type with {VIEW_TYPE}"
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait per table (default 600)")
    args = parser.parse_args(argv)

    names = resolve_table_names(
        args.calls_table,
        args.scorecards_table,
        os.environ if env is None else env,
        REPO / "terraform" / "terraform.tfvars",
    )
    try:
        dynamodb = boto3.client("dynamodb")
        streams = boto3.client("dynamodbstreams")
        print(
            f"Region {dynamodb.meta.region_name}: tables {names['calls']} (calls), "
            f"{names['scorecards']} (scorecards)"
        )
        for table in names.values():
            ensure_stream(
                dynamodb, streams, table, force=args.force, dry_run=args.dry_run, timeout=args.timeout
            )
    except StreamSetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as error:
        print(f"error: AWS said: {error}. Check your credentials and AWS_REGION.", file=sys.stderr)
        return 2
    if not args.dry_run:
        print("Streams are on. Next: bash lambdas/build.sh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
