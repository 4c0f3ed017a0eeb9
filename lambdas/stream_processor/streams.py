"""Records read with the DynamoDB Streams API → the record shape Lambda's event source mapping delivers.

``GetRecords`` (through boto3) returns ``ApproximateCreationDateTime`` as a datetime and binary attributes as
bytes, and no ``eventSourceARN``; Lambda delivers epoch seconds, base64 text and the stream ARN. Tools that
re-read a stream range (the DLQ redrive, tests) convert with :func:`lambda_record` and then call the same handler.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any


def lambda_attribute(value: Any) -> Any:
    """A boto3-decoded attribute value with binary re-encoded as base64 text (as Lambda delivers it)."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if kind == "B" and isinstance(inner, bytes | bytearray):
                return {"B": base64.b64encode(inner).decode()}
            if kind == "BS":
                return {
                    "BS": [
                        base64.b64encode(b).decode() if isinstance(b, bytes | bytearray) else b for b in inner
                    ]
                }
            if kind == "M":
                return {"M": {k: lambda_attribute(v) for k, v in inner.items()}}
            if kind == "L":
                return {"L": [lambda_attribute(v) for v in inner]}
        return {k: lambda_attribute(v) for k, v in value.items()}
    return value


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """One ``GetRecords`` record as Lambda would deliver it from the stream ``stream_arn``."""
    ddb = dict(record.get("dynamodb", {}))
    created = ddb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        ddb["ApproximateCreationDateTime"] = created.timestamp()
    for image in ("Keys", "NewImage", "OldImage"):
        if image in ddb:
            ddb[image] = {name: lambda_attribute(v) for name, v in ddb[image].items()}
    out = {k: v for k, v in record.items() if k != "dynamodb"}
    out["dynamodb"] = ddb
    out["eventSourceARN"] = stream_arn
    return out


def lambda_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    return {"Records": [lambda_record(r, stream_arn) for r in records]}
