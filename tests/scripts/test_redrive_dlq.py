"""The DLQ redrive re-reads failed stream ranges into the lake; expired ranges get backfill advice.

Everything runs against moto's server (DynamoDB, DynamoDB Streams, SQS) through the shared ``aws_env``
fixture. A "failed batch" is made for real: the stream processor runs on records read from the stream into
a lake that cannot be written, reports a batch item failure, and the DLQ message is the document Lambda's
on-failure destination sends for that range.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pyarrow.dataset as ds
import pytest

from lambdas.stream_processor import redrive
from lambdas.stream_processor.handler import process_event
from lambdas.stream_processor.lake import Lake

REPO = Path(__file__).resolve().parents[2]
SHA = bytes(range(32))
FUNCTION = "post-call-analytics-stream-processor"


def _table_with_stream(name: str = "calls", key: str = "call_id") -> str:
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return str(dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"])


def _write_calls(count: int) -> None:
    dynamodb = boto3.client("dynamodb")
    for n in range(count):
        dynamodb.put_item(
            TableName="calls",
            Item={
                "call_id": {"S": f"call-{n}"},
                "direction": {"S": "INBOUND" if n % 2 else "OUTBOUND"},
                "duration_ms": {"N": str(60_000 + n)},
                "transcript_sha256": {"B": SHA},
                "categories": {"SS": ["billing", "churn-risk"]},
            },
        )
    dynamodb.update_item(
        TableName="calls",
        Key={"call_id": {"S": "call-0"}},
        UpdateExpression="SET duration_ms = :d",
        ExpressionAttributeValues={":d": {"N": "99999"}},
    )


def _stream_records(stream_arn: str) -> tuple[str, list[dict[str, Any]]]:
    streams = boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return shard, [dict(r) for r in records]


def _on_failure_message(stream_arn: str, shard: str, start: str, end: str, size: int, first: datetime) -> str:
    """The document an event source mapping sends its SQS on-failure destination (metadata only)."""
    return json.dumps(
        {
            "requestContext": {
                "requestId": "c9b2a9c4-1111-2222-3333-444455556666",
                "functionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": 4,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": (first + timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": shard,
                "startSequenceNumber": start,
                "endSequenceNumber": end,
                "approximateArrivalOfFirstRecord": first.isoformat().replace("+00:00", "Z"),
                "approximateArrivalOfLastRecord": first.isoformat().replace("+00:00", "Z"),
                "batchSize": size,
                "streamArn": stream_arn,
            },
        }
    )


def _queue() -> str:
    return str(boto3.client("sqs").create_queue(QueueName=redrive.DEFAULT_QUEUE_NAME)["QueueUrl"])


def _queue_depth(queue_url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def _lake_rows(root: Path, table: str = "calls") -> list[dict[str, Any]]:
    if not (root / table).exists():
        return []
    rows: list[dict[str, Any]] = (
        ds.dataset(str(root / table), format="parquet", partitioning="hive").to_table().to_pylist()
    )
    return sorted(rows, key=lambda r: r["sequence_number"])


def _failed_batch(tmp_path: Path) -> tuple[str, str, list[dict[str, Any]], str]:
    """Records on the stream, a processor run that fails to write them, and the DLQ message for the range."""
    stream_arn = _table_with_stream()
    _write_calls(4)
    shard, raw = _stream_records(stream_arn)
    assert len(raw) == 5
    event = {"Records": [redrive.to_lambda_record(r, _range(stream_arn, shard, raw)) for r in raw]}
    broken = tmp_path / "broken-lake"
    broken.mkdir()
    (broken / "calls").write_text("a file where the table's folder should be")
    response = process_event(event, Lake.from_uri(str(broken)))
    failed_from = response["batchItemFailures"][0]["itemIdentifier"]
    assert failed_from == raw[0]["dynamodb"]["SequenceNumber"]
    queue_url = _queue()
    first = datetime.now(UTC) - timedelta(minutes=30)
    body = _on_failure_message(
        stream_arn, shard, failed_from, raw[-1]["dynamodb"]["SequenceNumber"], len(raw), first
    )
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)
    return stream_arn, shard, raw, queue_url


def _range(stream_arn: str, shard: str, raw: list[dict[str, Any]]) -> redrive.FailedRange:
    return redrive.FailedRange(
        stream_arn=stream_arn,
        shard_id=shard,
        start_sequence=raw[0]["dynamodb"]["SequenceNumber"],
        end_sequence=raw[-1]["dynamodb"]["SequenceNumber"],
        first_arrival=None,
        batch_size=len(raw),
        condition=None,
    )


def test_failed_batch_is_redriven_into_the_lake_and_its_message_deleted(aws_env: str, tmp_path: Path) -> None:
    _, _, raw, queue_url = _failed_batch(tmp_path)
    lake_root = tmp_path / "lake"
    lines: list[str] = []

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(lake_root)),
        log=lines.append,
    )

    assert [o.status for o in summary.outcomes] == ["redriven"]
    assert summary.outcomes[0].records == 5
    assert summary.exit_code == 0
    rows = _lake_rows(lake_root)
    assert [r["event_id"] for r in rows] == [r["eventID"] for r in raw]
    assert [r["sequence_number"] for r in rows] == [r["dynamodb"]["SequenceNumber"].zfill(40) for r in raw]
    assert [r["event_name"] for r in rows] == ["INSERT"] * 4 + ["MODIFY"]
    first_call = json.loads(rows[0]["new_image"])
    assert first_call["transcript_sha256"] == base64.b64encode(SHA).decode()
    assert first_call["categories"] == ["billing", "churn-risk"]
    assert json.loads(rows[-1]["new_image"])["duration_ms"] == 99999
    assert json.loads(rows[-1]["old_image"])["duration_ms"] == 60000
    assert _queue_depth(queue_url) == 0
    assert "5 records written" in lines[0]
    assert "table calls" in lines[0]


def test_redriving_a_range_twice_rewrites_the_same_object(aws_env: str, tmp_path: Path) -> None:
    stream_arn, shard, raw, queue_url = _failed_batch(tmp_path)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    sqs, streams = boto3.client("sqs"), boto3.client("dynamodbstreams")
    redrive.redrive(sqs, streams, queue_url, lake, log=lambda _: None)
    files_after_first = sorted(p.name for p in (tmp_path / "lake").rglob("*.parquet"))
    body = _on_failure_message(
        stream_arn,
        shard,
        raw[0]["dynamodb"]["SequenceNumber"],
        raw[-1]["dynamodb"]["SequenceNumber"],
        len(raw),
        datetime.now(UTC),
    )
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)

    summary = redrive.redrive(sqs, streams, queue_url, lake, log=lambda _: None)

    assert [o.status for o in summary.outcomes] == ["redriven"]
    assert sorted(p.name for p in (tmp_path / "lake").rglob("*.parquet")) == files_after_first
    assert len(_lake_rows(tmp_path / "lake")) == 5


def test_only_the_messages_range_is_redriven(aws_env: str, tmp_path: Path) -> None:
    stream_arn = _table_with_stream()
    _write_calls(4)
    shard, raw = _stream_records(stream_arn)
    queue_url = _queue()
    start, end = raw[1]["dynamodb"]["SequenceNumber"], raw[2]["dynamodb"]["SequenceNumber"]
    boto3.client("sqs").send_message(
        QueueUrl=queue_url,
        MessageBody=_on_failure_message(stream_arn, shard, start, end, 2, datetime.now(UTC)),
    )

    redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        log=lambda _: None,
    )

    assert [r["event_id"] for r in _lake_rows(tmp_path / "lake")] == [raw[1]["eventID"], raw[2]["eventID"]]


def test_range_past_stream_retention_gives_backfill_advice_and_stays_queued(
    aws_env: str, tmp_path: Path
) -> None:
    stream_arn = _table_with_stream()
    _write_calls(1)
    shard, raw = _stream_records(stream_arn)
    queue_url = _queue()
    seq = raw[0]["dynamodb"]["SequenceNumber"]
    old = datetime.now(UTC) - timedelta(hours=25)
    boto3.client("sqs").send_message(
        QueueUrl=queue_url, MessageBody=_on_failure_message(stream_arn, shard, seq, seq, 1, old)
    )
    lines: list[str] = []

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        log=lines.append,
    )
    redrive.print_summary(summary, log=lines.append)

    assert [o.status for o in summary.outcomes] == ["expired"]
    assert summary.exit_code == 3
    assert summary.expired_tables == ["calls"]
    assert "past the stream's 24 h retention" in lines[0]
    assert "  python lambdas/stream_processor/backfill.py --table calls" in lines
    assert _lake_rows(tmp_path / "lake") == []
    assert _queue_depth(queue_url) == 1


def test_expired_messages_are_deleted_only_when_asked(aws_env: str, tmp_path: Path) -> None:
    stream_arn = _table_with_stream()
    _write_calls(1)
    shard, raw = _stream_records(stream_arn)
    queue_url = _queue()
    seq = raw[0]["dynamodb"]["SequenceNumber"]
    body = _on_failure_message(stream_arn, shard, seq, seq, 1, datetime.now(UTC) - timedelta(days=3))
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        delete_expired=True,
        log=lambda _: None,
    )

    assert [o.status for o in summary.outcomes] == ["expired"]
    assert _queue_depth(queue_url) == 0


def test_range_whose_stream_is_not_found_is_a_doubt_and_never_deleted(aws_env: str, tmp_path: Path) -> None:
    stream_arn = _table_with_stream()
    _write_calls(1)
    shard, raw = _stream_records(stream_arn)
    seq = raw[0]["dynamodb"]["SequenceNumber"]
    boto3.client("dynamodb").delete_table(TableName="calls")
    queue_url = _queue()
    body = _on_failure_message(stream_arn, shard, seq, seq, 1, datetime.now(UTC) - timedelta(hours=2))
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        delete_expired=True,
        log=lambda _: None,
    )

    assert [o.status for o in summary.outcomes] == ["unreadable"]
    assert "ResourceNotFoundException" in summary.outcomes[0].detail
    assert "us-east-1" in summary.outcomes[0].detail
    assert _queue_depth(queue_url) == 1, "a doubt never deletes the message, even with --delete-expired"
    assert summary.expired_tables == []
    assert summary.exit_code == 1


def _failed_batch_in(region: str, tmp_path: Path) -> tuple[str, str]:
    """A failed range on a table in ``region``, its DLQ message queued in the operator's default region."""
    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(
        TableName="calls",
        KeySchema=[{"AttributeName": "call_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "call_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    stream_arn = str(dynamodb.describe_table(TableName="calls")["Table"]["LatestStreamArn"])
    assert f":{region}:" in stream_arn
    for n in range(3):
        dynamodb.put_item(
            TableName="calls", Item={"call_id": {"S": f"call-{n}"}, "direction": {"S": "INBOUND"}}
        )
    streams = boto3.client("dynamodbstreams", region_name=region)
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    raw = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    queue_url = _queue()
    body = _on_failure_message(
        stream_arn,
        shard,
        raw[0]["dynamodb"]["SequenceNumber"],
        raw[-1]["dynamodb"]["SequenceNumber"],
        len(raw),
        datetime.now(UTC) - timedelta(minutes=30),
    )
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)
    return stream_arn, queue_url


@pytest.mark.parametrize("clients", ["factory", "default-region client"])
def test_range_is_read_in_the_region_of_its_stream_arn(aws_env: str, tmp_path: Path, clients: str) -> None:
    _, queue_url = _failed_batch_in("eu-west-1", tmp_path)
    streams = redrive.regional_streams() if clients == "factory" else boto3.client("dynamodbstreams")

    summary = redrive.redrive(
        boto3.client("sqs"), streams, queue_url, Lake.from_uri(str(tmp_path / "lake")), log=lambda _: None
    )

    assert [o.status for o in summary.outcomes] == ["redriven"], summary.outcomes[0].detail
    assert len(_lake_rows(tmp_path / "lake")) == 3
    assert _queue_depth(queue_url) == 0


def test_regional_streams_makes_one_client_per_region(aws_env: str) -> None:
    clients = redrive.regional_streams()
    assert clients("eu-west-1").meta.region_name == "eu-west-1"
    assert clients("us-west-2").meta.region_name == "us-west-2"
    assert clients("eu-west-1") is clients("eu-west-1")


def test_dry_run_reads_the_range_but_writes_and_deletes_nothing(aws_env: str, tmp_path: Path) -> None:
    _, _, _, queue_url = _failed_batch(tmp_path)

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        dry_run=True,
        log=lambda _: None,
    )

    assert [(o.status, o.records) for o in summary.outcomes] == [("checked", 5)]
    assert _lake_rows(tmp_path / "lake") == []
    assert _queue_depth(queue_url) == 1


def test_range_that_fails_again_keeps_its_message(aws_env: str, tmp_path: Path) -> None:
    _, _, _, queue_url = _failed_batch(tmp_path)
    still_broken = tmp_path / "broken-lake"

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(still_broken)),
        visibility_timeout=0,
        max_messages=1,
        log=lambda _: None,
    )

    assert [o.status for o in summary.outcomes] == ["failed"]
    assert "writing failed again" in summary.outcomes[0].detail
    assert summary.exit_code == 1
    assert _queue_depth(queue_url) == 1


def test_message_that_is_not_an_on_failure_record_is_reported_and_kept(aws_env: str, tmp_path: Path) -> None:
    queue_url = _queue()
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody='{"hello": "world"}')

    summary = redrive.redrive(
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        queue_url,
        Lake.from_uri(str(tmp_path / "lake")),
        visibility_timeout=0,
        max_messages=1,
        log=lambda _: None,
    )

    assert [o.status for o in summary.outcomes] == ["invalid"]
    assert "DDBStreamBatchInfo" in summary.outcomes[0].detail
    assert _queue_depth(queue_url) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        ('{"DDBStreamBatchInfo": {"shardId": "s"}}', "lacks streamArn"),
        (
            '{"DDBStreamBatchInfo": {"shardId": "s", "streamArn": "arn:aws:sqs:us-east-1:1:q", '
            '"startSequenceNumber": "1", "endSequenceNumber": "2"}}',
            "not a DynamoDB stream ARN",
        ),
        (
            '{"DDBStreamBatchInfo": {"shardId": "s", '
            '"streamArn": "arn:aws:dynamodb:us-east-1:1:table/t/stream/x", '
            '"startSequenceNumber": "9", "endSequenceNumber": "2"}}',
            "not a range",
        ),
    ],
)
def test_unreadable_messages_say_why(body: str, reason: str) -> None:
    with pytest.raises(redrive.InvalidMessageError, match=reason):
        redrive.FailedRange.from_message_body(body)


def test_redrive_script_resolves_nothing_from_terraform_when_told_and_redrives(
    aws_env: str, tmp_path: Path
) -> None:
    _, _, raw, queue_url = _failed_batch(tmp_path)
    lake_root = tmp_path / "lake"
    env = {k: v for k, v in os.environ.items() if k != "PCA_LAKE_URI"}

    result = subprocess.run(
        [
            "bash",
            str(REPO / "scripts" / "redrive-dlq.sh"),
            "--queue-url",
            queue_url,
            "--lake",
            str(lake_root),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Redrive finished: 1 redriven." in result.stdout
    assert len(_lake_rows(lake_root)) == len(raw)


def test_redrive_script_without_a_lake_fails_with_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PCA_LAKE_URI"}
    env["PATH"] = "/usr/bin:/bin"  # no terraform on PATH: nothing to resolve the lake from

    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "redrive-dlq.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "cannot find the lake" in result.stderr
