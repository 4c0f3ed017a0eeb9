"""Lambda entry point: DynamoDB Streams (``calls`` and ``scorecards``) → raw change-log Parquet.

The handler is thin: it checks the event's shape, resolves the lake from configuration, calls
:func:`process_event` and reports logs and metrics. Configuration (environment):

- ``PCA_LAKE_URI`` — ``s3://<analytics-bucket>`` in AWS, a local folder in the embedded run; or
- ``ANALYTICS_BUCKET`` — the bucket name alone (used when ``PCA_LAKE_URI`` is not set).

Every record ends in Parquet, in quarantine, or in the range reported back to Lambda: a partial batch response
names the earliest record not written, and when that record has no sequence number to name, the handler raises
so Lambda retries the whole batch. Every other event shape gets a clear error.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.stream_processor.changelog import BatchOutcome, UnreportableFailure, write_stream_batch
from lambdas.stream_processor.lake import Lake

logger = Logger(service="stream-processor")
metrics = Metrics(namespace="PostCallAnalytics", service="stream-processor")


class ConfigurationError(RuntimeError):
    """The function's environment does not say where the lake is."""


class InvalidEventError(ValueError):
    """The event is not a DynamoDB Streams batch; the message says what it is and what to do."""


@cache
def configured_lake() -> Lake:
    uri = os.environ.get("PCA_LAKE_URI")
    if not uri and os.environ.get("ANALYTICS_BUCKET"):
        uri = f"s3://{os.environ['ANALYTICS_BUCKET']}"
    if not uri:
        raise ConfigurationError("set PCA_LAKE_URI (s3://bucket or a folder) or ANALYTICS_BUCKET")
    return Lake.from_uri(uri)


def stream_records(event: Any) -> list[Any]:
    """The event's ``Records`` list; :class:`InvalidEventError` for anything that is not a stream batch."""
    if type(event) is not dict:
        raise InvalidEventError(f"the event is not a JSON object (got {type(event).__name__})")
    records = event.get("Records")
    if type(records) is list:
        return records
    info = event.get("DDBStreamBatchInfo")
    if type(info) is dict:
        raise InvalidEventError(
            "this is a stream failure record (the on-failure destination's message for shard "
            f"{info.get('shardId')!r}, sequence numbers {info.get('startSequenceNumber')!r} to "
            f"{info.get('endSequenceNumber')!r}), not a stream batch: it holds no records; redrive that range "
            "with scripts/redrive-dlq.sh"
        )
    if "Records" in event:
        raise InvalidEventError(
            f"the event's Records is {type(records).__name__}, not a list of stream records"
        )
    raise InvalidEventError(
        f"the event has no Records list (keys: {', '.join(sorted(map(str, event))) or 'none'}): "
        "this function reads DynamoDB Streams batches"
    )


def process_event(event: dict[str, Any], lake: Lake, *, now: datetime | None = None) -> dict[str, Any]:
    """Write one Lambda event's records to the lake; return the partial batch response.

    Raises :class:`InvalidEventError` for an event that is not a stream batch, and
    :class:`~lambdas.stream_processor.changelog.UnreportableFailure` when records were not written and the
    earliest cannot be named (Lambda then retries the whole batch).
    """
    return process(event, lake, now=now).response()


def process(event: dict[str, Any], lake: Lake, *, now: datetime | None = None) -> BatchOutcome:
    return write_stream_batch(stream_records(event), lake, now=now)


def _correlation_id(records: list[Any]) -> str | None:
    first = records[0] if records else None
    event_id = first.get("eventID") if type(first) is dict else None
    if type(event_id) is not str:
        return None
    return event_id.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        records = stream_records(event)
    except InvalidEventError as error:
        metrics.add_metric(name="InvalidEvents", unit=MetricUnit.Count, value=1)
        logger.error("not a DynamoDB Streams batch", extra={"error": str(error)})
        raise
    logger.set_correlation_id(_correlation_id(records))
    outcome = write_stream_batch(records, configured_lake())
    metrics.add_metric(name="RecordsReceived", unit=MetricUnit.Count, value=outcome.records)
    metrics.add_metric(name="RowsWritten", unit=MetricUnit.Count, value=outcome.rows)
    metrics.add_metric(name="BytesWritten", unit=MetricUnit.Bytes, value=outcome.bytes_written)
    metrics.add_metric(name="RecordsQuarantined", unit=MetricUnit.Count, value=outcome.quarantined)
    metrics.add_metric(name="FilesWritten", unit=MetricUnit.Count, value=len(outcome.files))
    if outcome.quarantined:
        logger.warning("records quarantined", extra={"quarantined": outcome.quarantined})
    if outcome.failed_index is not None:
        metrics.add_metric(name="WriteFailures", unit=MetricUnit.Count, value=len(outcome.failures))
        metrics.add_metric(name="RecordsNotWritten", unit=MetricUnit.Count, value=outcome.unwritten)
        details = {
            "records_not_written": outcome.unwritten,
            "first_failed_position": outcome.failed_index,
            "first_failed_sequence": outcome.failed_sequence,
            "errors": outcome.failures,
        }
        if not outcome.reportable:
            logger.error(
                "write failed and the earliest record has no sequence number; retrying the batch",
                extra=details,
            )
            raise UnreportableFailure(str(details))
        logger.error("write failed; reporting batch item failure", extra=details)
    logger.info(
        "batch written",
        extra={"records": outcome.records, "rows": outcome.rows, "files": len(outcome.files)},
    )
    return outcome.response()
