"""Correctness oracle: random puts, updates and deletes on DynamoDB tables with streams (moto) → the
stream processor (batches delivered out of order, some twice, some re-cut) → `dbt build` on DuckDB → the
curated marts equal a final scan of the tables. One example carries many keys' histories, so dbt runs only
a few times."""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from lambdas.stream_processor.handler import process_event
from lambdas.stream_processor.lake import Lake
from lambdas.stream_processor.streams import lambda_event
from orchestration import dbt_runner
from orchestration.paths import data_paths

from .helpers import query

pytestmark = pytest.mark.slow

KEYS = {"calls": "call_id", "scorecards": "evaluation_id"}
TEAMS = ["Billing East", "Billing West", "Retention", "Tech Support"]
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def call_item(key: int, version: int, draw: random.Random) -> dict[str, Any]:
    return {
        "call_id": f"call-{key:03d}",
        "direction": draw.choice(["INBOUND", "OUTBOUND"]),
        "agent_id": f"agent-{draw.randrange(4):02d}",
        "agent_name": "Agent",
        "team": draw.choice(TEAMS),
        "queue": "Billing",
        "status": "COMPLETED",
        "started_at": f"2026-08-{1 + key % 28:02d}T10:{version % 60:02d}:00Z",
        "duration_ms": draw.randrange(1_000, 900_000),
        "categories": {draw.choice(["long-silence", "escalation"]), "billing"},
        "insights": [{"insight_type": "ISSUE", "text": f"issue v{version}", "participant_role": "CUSTOMER"}],
        "conversation_characteristics": {
            "Sentiment": {
                "OverallSentiment": {"AGENT": Decimal("1.5"), "CUSTOMER": Decimal(draw.randrange(-5, 6))}
            }
        },
    }


def scorecard_item(key: int, version: int, draw: random.Random) -> dict[str, Any]:
    return {
        "evaluation_id": f"eval-{key:03d}",
        "call_id": f"call-{draw.randrange(20):03d}",
        "agent_id": f"agent-{draw.randrange(4):02d}",
        "evaluator": "qa.sam",
        "evaluation_source": "MANUAL",
        "form_id": "form-customer-service",
        "form_version": 1,
        "status": draw.choice(["DRAFT", "SUBMITTED"]),
        "started_at": f"2026-08-{1 + key % 28:02d}T12:{version % 60:02d}:00Z",
        "score": {
            "percentage": Decimal(draw.randrange(0, 101)),
            "automatic_fail": False,
            "not_applicable": False,
        },
        "questions": [
            {
                "question_ref_id": "q1",
                "section_ref_id": "s1",
                "question_type": "SINGLESELECT",
                "text": "Greeting?",
                "answer_value": "Yes",
                "score_percentage": Decimal(100),
                "not_applicable": False,
                "automatic_fail": False,
            },
        ],
    }


operation = st.tuples(
    st.sampled_from(["calls", "scorecards"]),
    st.integers(min_value=0, max_value=19),  # key
    st.sampled_from(["put", "put", "update", "delete"]),
)
histories = st.lists(operation, min_size=10, max_size=120)


def apply(dynamodb: Any, operations: list[tuple[str, int, str]], draw: random.Random) -> None:
    # every table gets at least one item, so both raw folders exist
    operations = [("calls", 0, "put"), ("scorecards", 0, "put"), *operations]
    for version, (table_name, key, kind) in enumerate(operations):
        table = dynamodb.Table(table_name)
        key_name = KEYS[table_name]
        make = call_item if table_name == "calls" else scorecard_item
        item = make(key, version, draw)
        if kind == "put":
            table.put_item(Item=item)
        elif kind == "delete":
            table.delete_item(Key={key_name: item[key_name]})
        else:
            field = "team" if table_name == "calls" else "status"
            try:
                table.update_item(
                    Key={key_name: item[key_name]},
                    UpdateExpression="SET #f = :v",
                    ConditionExpression=f"attribute_exists({key_name})",
                    ExpressionAttributeNames={"#f": field},
                    ExpressionAttributeValues={":v": item[field]},
                )
            except ClientError as error:  # updating a missing item would create a partial one
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise


def stream_records(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
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


def deliver(records: list[dict[str, Any]], stream_arn: str, lake: Lake, draw: random.Random) -> None:
    """Batches in shuffled order, one batch delivered twice, one re-cut range (duplicates across files)."""
    cuts = sorted(draw.sample(range(1, len(records)), k=min(3, len(records) - 1))) if len(records) > 1 else []
    bounds = [0, *cuts, len(records)]
    batches = [records[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    draw.shuffle(batches)
    batches.append(draw.choice(batches))
    start = draw.randrange(len(records))
    batches.append(records[start : start + draw.randrange(1, 6)])
    for batch in batches:
        assert process_event(lambda_event(batch, stream_arn), lake) == {"batchItemFailures": []}


def final_scan(dynamodb: Any, table_name: str) -> dict[str, dict[str, Any]]:
    items = dynamodb.Table(table_name).scan(ConsistentRead=True)["Items"]
    return {item[KEYS[table_name]]: item for item in items}


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # each example is a dbt build (~15 s): report a failing history as found rather than shrink it for minutes
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(operations=histories, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_curated_marts_equal_the_tables_final_scan(
    tmp_path: Path, operations: list[tuple[str, int, str]], seed: int
) -> None:
    draw = random.Random(seed)
    with mock.patch.dict(os.environ, AWS_ENV), mock_aws(), tempfile.TemporaryDirectory(dir=tmp_path) as root:
        client = boto3.client("dynamodb")
        arns = {}
        for table_name, key_name in KEYS.items():
            description = client.create_table(
                TableName=table_name,
                KeySchema=[{"AttributeName": key_name, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key_name, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            )["TableDescription"]
            arns[table_name] = description["LatestStreamArn"]
        dynamodb = boto3.resource("dynamodb")
        apply(dynamodb, operations, draw)

        paths = data_paths(Path(root) / "data")
        lake = Lake.from_uri(str(paths.lake))
        streams = boto3.client("dynamodbstreams")
        for arn in arns.values():
            deliver(stream_records(streams, arn), arn, lake, draw)
        calls, scorecards = final_scan(dynamodb, "calls"), final_scan(dynamodb, "scorecards")

        result = dbt_runner.build(paths.root, target_path=Path(root) / "target", quiet=True, check=False)
        assert result.failures == []

        mart_calls = query(
            paths,
            "select call_id, direction, agent_id, team, duration_seconds from post_call_analytics.calls",
        )
        assert {row[0] for row in mart_calls} == set(calls)
        for call_id, direction, agent_id, team, duration_seconds in mart_calls:
            item = calls[call_id]
            assert (direction, agent_id, team) == (item["direction"], item["agent_id"], item["team"])
            assert duration_seconds == pytest.approx(float(item["duration_ms"]) / 1000)

        mart_scorecards = query(
            paths,
            "select evaluation_id, call_id, evaluation_status, score_percent "
            "from post_call_analytics.scorecards",
        )
        assert {row[0] for row in mart_scorecards} == set(scorecards)
        for evaluation_id, call_id, status, score in mart_scorecards:
            item = scorecards[evaluation_id]
            assert (call_id, status) == (item["call_id"], item["status"])
            assert score == pytest.approx(float(item["score"]["percentage"]))

        ((categories,),) = query(paths, "select count(*) from post_call_analytics.call_categories")
        assert categories == sum(len(item["categories"]) for item in calls.values())
