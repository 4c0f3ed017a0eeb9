"""DynamoDB table with a stream (moto) → GetRecords → Lambda event → handler → S3 (moto) → Parquet = the table."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import boto3
import pytest

from lambdas.stream_processor import handler
from lambdas.stream_processor.convert import to_json
from lambdas.stream_processor.lake import Lake
from lambdas.stream_processor.streams import lambda_attribute, lambda_event

from .test_handler import Context


def stream_records(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    for shard in description["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def current_state(lake: Lake, table: str) -> dict[str, dict[str, Any]]:
    """Latest event per key, removed keys excluded — what the dbt intermediate layer computes."""
    rows = lake.read_tables(table).to_pylist()
    latest: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["event_at"], r["sequence_number"])):
        latest[row["keys"]] = row
    return {k: json.loads(r["new_image"]) for k, r in latest.items() if r["event_name"] != "REMOVE"}


@pytest.mark.usefixtures("aws_env")
def test_stream_changes_land_in_s3_and_replay_to_the_tables_final_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dynamodb = boto3.client("dynamodb")
    streams = boto3.client("dynamodbstreams")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="analytics")
    table = dynamodb.create_table(
        TableName="calls",
        KeySchema=[{"AttributeName": "call_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "call_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    resource = boto3.resource("dynamodb").Table("calls")
    for n in range(12):
        resource.put_item(
            Item={
                "call_id": f"call-{n:02d}",
                "duration_ms": n * 1000,
                "direction": "INBOUND",
                "score": Decimal("12345678901234567890.123456789012345678"),
                "tags": {"a", "b"},
                "digest": bytes([n, 255]),
                "nested": {"list": [1, "two", None, True]},
            }
        )
    for n in range(0, 12, 3):
        resource.update_item(
            Key={"call_id": f"call-{n:02d}"},
            UpdateExpression="SET direction = :d",
            ExpressionAttributeValues={":d": "OUTBOUND"},
        )
    for n in (1, 5):
        resource.delete_item(Key={"call_id": f"call-{n:02d}"})

    records = stream_records(streams, table["LatestStreamArn"])
    assert len(records) == 12 + 4 + 2
    monkeypatch.setenv("PCA_LAKE_URI", "s3://analytics")
    handler.configured_lake.cache_clear()
    response = handler.lambda_handler(lambda_event(records, table["LatestStreamArn"]), Context())  # type: ignore[arg-type]
    handler.configured_lake.cache_clear()
    assert response == {"batchItemFailures": []}

    lake = Lake.from_uri("s3://analytics")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="analytics")["Contents"]]
    assert keys and all(k.startswith("calls/dt=") and k.endswith(".parquet") for k in keys)

    scanned = {
        json.dumps({"call_id": i["call_id"]["S"]}, separators=(",", ":")): json.loads(
            to_json({k: lambda_attribute(v) for k, v in i.items()})
        )
        for i in dynamodb.scan(TableName="calls")["Items"]
    }
    assert current_state(lake, "calls") == scanned
    state = current_state(lake, "calls")
    assert sorted(json.loads(k)["call_id"] for k in state) == [
        f"call-{n:02d}" for n in range(12) if n not in (1, 5)
    ]
    assert state['{"call_id":"call-03"}']["direction"] == "OUTBOUND"
    assert state['{"call_id":"call-04"}']["direction"] == "INBOUND"
    assert state['{"call_id":"call-04"}']["digest"] == "BP8="  # bytes 04 ff, base64
    assert state['{"call_id":"call-04"}']["tags"] == ["a", "b"]
    raw = lake.read_table(lake.list_files("calls", ".parquet")[0]).column("new_image").to_pylist()
    assert any('"score":12345678901234567890.123456789012345678' in (r or "") for r in raw)
