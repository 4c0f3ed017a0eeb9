"""Lambda entry point: DynamoDB Streams (``calls`` and ``scorecards``) → raw change-log Parquet.

The handler is thin: it resolves the lake from configuration, calls :func:`process_event` and reports logs and
metrics. Configuration (environment):

- ``PCA_LAKE_URI`` — ``s3://<analytics-bucket>`` in AWS, a local folder in the embedded run; or
- ``ANALYTICS_BUCKET`` — the bucket name alone (used when ``PCA_LAKE_URI`` is not set).
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.stream_processor.changelog import BatchOutcome, write_stream_batch
from lambdas.stream_processor.lake import Lake

logger = Logger(service="stream-processor")
metrics = Metrics(namespace="PostCallAnalytics", service="stream-processor")


class ConfigurationError(RuntimeError):
    """The function's environment does not say where the lake is."""


@cache
def configured_lake() -> Lake:
    uri = os.environ.get("PCA_LAKE_URI")
    if not uri and os.environ.get("ANALYTICS_BUCKET"):
        uri = f"s3://{os.environ['ANALYTICS_BUCKET']}"
    if not uri:
        raise ConfigurationError("set PCA_LAKE_URI (s3://bucket or a folder) or ANALYTICS_BUCKET")
    return Lake.from_uri(uri)


def process_event(event: dict[str, Any], lake: Lake, *, now: datetime | None = None) -> dict[str, Any]:
    """Write one Lambda event's records to the lake; return the partial batch response."""
    return process(event, lake, now=now).response()


def process(event: dict[str, Any], lake: Lake, *, now: datetime | None = None) -> BatchOutcome:
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("event has no Records list: is this a DynamoDB Streams event?")
    return write_stream_batch(records, lake, now=now)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or []
    if records and isinstance(records[0], dict):
        logger.set_correlation_id(str(records[0].get("eventID", "")))
    outcome = process(event, configured_lake())
    metrics.add_metric(name="RecordsReceived", unit=MetricUnit.Count, value=outcome.records)
    metrics.add_metric(name="RowsWritten", unit=MetricUnit.Count, value=outcome.rows)
    metrics.add_metric(name="BytesWritten", unit=MetricUnit.Bytes, value=outcome.bytes_written)
    metrics.add_metric(name="RecordsQuarantined", unit=MetricUnit.Count, value=outcome.quarantined)
    metrics.add_metric(name="FilesWritten", unit=MetricUnit.Count, value=len(outcome.files))
    if outcome.quarantined:
        logger.warning("records quarantined", extra={"quarantined": outcome.quarantined})
    if outcome.failed_sequence is not None:
        metrics.add_metric(name="WriteFailures", unit=MetricUnit.Count, value=len(outcome.failures))
        logger.error(
            "write failed; reporting batch item failure",
            extra={"first_failed_sequence": outcome.failed_sequence, "errors": outcome.failures},
        )
    logger.info(
        "batch written",
        extra={"records": outcome.records, "rows": outcome.rows, "files": len(outcome.files)},
    )
    return outcome.response()
