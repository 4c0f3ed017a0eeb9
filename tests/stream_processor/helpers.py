"""Small builders for Lambda-shaped DynamoDB Streams records."""

from __future__ import annotations

from typing import Any

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/{table}/stream/2026-01-01T00:00:00.000"


def record(
    sequence: int,
    name: str = "INSERT",
    *,
    table: str = "calls",
    key: str = "c1",
    new: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    at: float = 1_767_225_600,  # 2026-01-01T00:00:00Z
    view: str = "NEW_AND_OLD_IMAGES",
) -> dict[str, Any]:
    ddb: dict[str, Any] = {
        "ApproximateCreationDateTime": at,
        "Keys": {"call_id": {"S": key}},
        "SequenceNumber": str(sequence),
        "SizeBytes": 10,
        "StreamViewType": view,
    }
    if new is not None:
        ddb["NewImage"] = new
    if old is not None:
        ddb["OldImage"] = old
    return {
        "eventID": f"ev-{sequence}",
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": ddb,
        "eventSourceARN": ARN.format(table=table),
    }


def image(key: str = "c1", **attributes: dict[str, Any]) -> dict[str, Any]:
    return {"call_id": {"S": key}, **attributes}
