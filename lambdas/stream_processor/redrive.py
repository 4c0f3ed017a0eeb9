"""Redrive the stream processor's dead-letter queue: re-read each failed range from its stream and write it.

When the event source mapping gives up on a batch (retries or record age exhausted), Lambda sends the DLQ a
small JSON document that names the range — stream ARN, shard, first and last sequence number — but not the
records. ``aws sqs start-message-move-task`` cannot help: it only moves messages out of DLQs of other SQS
queues, and moving the metadata would not replay anything. This module does what a redrive has to do:

1. receive a DLQ message and read its ``DDBStreamBatchInfo``;
2. re-read that sequence range from the stream, in the region of the message's stream ARN
   (``GetShardIterator AT_SEQUENCE_NUMBER`` + ``GetRecords``), and shape the records like the Lambda event (``eventSourceARN``, epoch-second timestamps, base64 binaries);
3. run them through :func:`lambdas.stream_processor.handler.process_event` into the lake — the raw log's
   keys are deterministic, so a range written before is overwritten, not duplicated;
4. delete the message once every record was written.

DynamoDB Streams keep records for 24 hours. A range older than that (or already trimmed from its shard) cannot
be re-read: the message is reported with the backfill command that restores the table's current state
(``python lambdas/stream_processor/backfill.py --table <table>``) and kept in the queue unless
``--delete-expired`` is given. Only certainty deletes: a range is expired when its first record arrived more
than 24 hours ago or the stream says it was trimmed. A stream or shard that cannot be found (other account,
stream replaced or turned off) or a range that reads back empty is reported as unreadable and its message is
kept, with or without ``--delete-expired``.

Usage: ``bash scripts/redrive-dlq.sh`` (resolves the queue and lake from Terraform's outputs), or
``python -m lambdas.stream_processor.redrive --queue-url URL --lake s3://bucket``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from lambdas.stream_processor.handler import process_event
from lambdas.stream_processor.lake import Lake

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sqs import SQSClient

DEFAULT_QUEUE_NAME = "post-call-analytics-stream-processor-dlq"
STREAM_RETENTION = timedelta(hours=24)
# Leave a margin: a range that is almost 24 h old may be trimmed while it is being read.
RETENTION_MARGIN = timedelta(minutes=15)
# Only a trimmed range is certainly gone. A stream or shard that is not found may sit in another region or
# account than the client asked, or belong to a stream that was replaced: a doubt, so the message stays.
_EXPIRED_ERRORS = frozenset({"TrimmedDataAccessException"})
_MAX_EMPTY_PAGES = 3

Status = Literal["redriven", "expired", "failed", "invalid", "checked", "unreadable"]
Processor = Callable[[dict[str, Any], Lake], dict[str, Any]]
StreamsClients = Callable[[str], "DynamoDBStreamsClient"]


class InvalidMessageError(ValueError):
    """A DLQ message is not a DynamoDB Streams on-failure record."""


class RangeExpiredError(RuntimeError):
    """The stream says the range was trimmed: it is past the 24-hour retention."""


def regional_streams() -> StreamsClients:
    """A DynamoDB Streams client per region, made on first use: each range is read in its stream's region."""
    clients: dict[str, DynamoDBStreamsClient] = {}

    def client_for(region: str) -> DynamoDBStreamsClient:
        if region not in clients:
            clients[region] = boto3.client("dynamodbstreams", region_name=region)
        return clients[region]

    return client_for


def _client_for(streams: DynamoDBStreamsClient | StreamsClients, region: str) -> DynamoDBStreamsClient:
    """The client that reads a stream of ``region``: a given client only when it is for that region."""
    if callable(streams) and not hasattr(streams, "get_records"):
        return streams(region)
    client: DynamoDBStreamsClient = streams  # type: ignore[assignment]
    if client.meta.region_name == region:
        return client
    return boto3.client("dynamodbstreams", region_name=region)


@dataclass(frozen=True)
class FailedRange:
    """``DDBStreamBatchInfo`` of one on-failure record."""

    stream_arn: str
    shard_id: str
    start_sequence: str
    end_sequence: str
    first_arrival: datetime | None
    batch_size: int | None
    condition: str | None

    @property
    def table(self) -> str:
        """The source table's name, from ``arn:…:table/<table>/stream/<label>``."""
        return self.stream_arn.split(":", 5)[-1].split("/")[1]

    @property
    def region(self) -> str:
        return self.stream_arn.split(":")[3]

    def describe(self) -> str:
        size = f"{self.batch_size} records, " if self.batch_size is not None else ""
        sequence = f"{self.start_sequence}..{self.end_sequence}"
        return f"table {self.table}, {size}shard {self.shard_id}, sequence {sequence}"

    @classmethod
    def from_message_body(cls, body: str) -> FailedRange:
        try:
            document = json.loads(body)
        except json.JSONDecodeError as error:
            raise InvalidMessageError(f"message body is not JSON: {error}") from None
        info = document.get("DDBStreamBatchInfo") if isinstance(document, dict) else None
        if not isinstance(info, dict):
            raise InvalidMessageError(
                "message has no DDBStreamBatchInfo: it did not come from the stream's mapping"
            )
        missing = [
            k for k in ("streamArn", "shardId", "startSequenceNumber", "endSequenceNumber") if not info.get(k)
        ]
        if missing:
            raise InvalidMessageError(f"DDBStreamBatchInfo lacks {', '.join(missing)}")
        arn = str(info["streamArn"])
        if not arn.startswith("arn:") or ":table/" not in arn or "/stream/" not in arn:
            raise InvalidMessageError(f"streamArn {arn!r} is not a DynamoDB stream ARN")
        start, end = str(info["startSequenceNumber"]), str(info["endSequenceNumber"])
        if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
            raise InvalidMessageError(f"sequence range {start}..{end} is not a range of sequence numbers")
        context = document.get("requestContext")
        return cls(
            stream_arn=arn,
            shard_id=str(info["shardId"]),
            start_sequence=start,
            end_sequence=end,
            first_arrival=_parse_time(info.get("approximateArrivalOfFirstRecord")),
            batch_size=int(info["batchSize"]) if str(info.get("batchSize", "")).isdigit() else None,
            condition=str(context.get("condition"))
            if isinstance(context, dict) and context.get("condition")
            else None,
        )


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_past_retention(failed: FailedRange, now: datetime) -> bool:
    """True when the range's first record is older than the stream keeps records (with a safety margin)."""
    if failed.first_arrival is None:
        return False
    return now - failed.first_arrival >= STREAM_RETENTION - RETENTION_MARGIN


def _lambda_attribute_value(value: Any) -> Any:
    """boto3 returns ``B``/``BS`` as bytes; the Lambda event carries them as base64 text."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _lambda_attribute_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lambda_attribute_value(v) for v in value]
    return value


def to_lambda_record(record: dict[str, Any], failed: FailedRange) -> dict[str, Any]:
    """A ``GetRecords`` record shaped like the record Lambda delivered to the function."""
    ddb = dict(record.get("dynamodb") or {})
    created = ddb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        ddb["ApproximateCreationDateTime"] = (
            created if created.tzinfo else created.replace(tzinfo=UTC)
        ).timestamp()
    for image in ("Keys", "NewImage", "OldImage"):
        if image in ddb:
            ddb[image] = _lambda_attribute_value(ddb[image])
    shaped: dict[str, Any] = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": record.get("eventSource", "aws:dynamodb"),
        "awsRegion": record.get("awsRegion") or failed.region,
        "dynamodb": ddb,
        "eventSourceARN": failed.stream_arn,
    }
    if "userIdentity" in record:
        shaped["userIdentity"] = record["userIdentity"]
    return shaped


def read_range(
    streams: DynamoDBStreamsClient, failed: FailedRange, *, max_pages: int = 1000
) -> list[dict[str, Any]]:
    """Every record of the range, in order, shaped like Lambda's. Raises :class:`RangeExpiredError`."""
    start, end = int(failed.start_sequence), int(failed.end_sequence)
    try:
        iterator: str | None = streams.get_shard_iterator(
            StreamArn=failed.stream_arn,
            ShardId=failed.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=failed.start_sequence,
        )["ShardIterator"]
        records: list[dict[str, Any]] = []
        empty_pages = 0
        for _ in range(max_pages):
            if not iterator:
                break
            page = streams.get_records(ShardIterator=iterator)
            batch = page.get("Records", [])
            iterator = page.get("NextShardIterator")
            if not batch:
                empty_pages += 1
                if empty_pages >= _MAX_EMPTY_PAGES:
                    break
                continue
            empty_pages = 0
            for record in batch:
                sequence = int(record["dynamodb"]["SequenceNumber"])
                if sequence > end:
                    return records
                if sequence >= start:
                    records.append(to_lambda_record(dict(record), failed))
        return records
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _EXPIRED_ERRORS:
            raise RangeExpiredError(f"the stream no longer holds this range ({code})") from error
        raise


@dataclass
class Outcome:
    message_id: str
    status: Status
    detail: str
    failed_range: FailedRange | None = None
    records: int = 0


@dataclass
class RedriveSummary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def expired_tables(self) -> list[str]:
        return sorted(
            {o.failed_range.table for o in self.outcomes if o.status == "expired" and o.failed_range}
        )

    @property
    def exit_code(self) -> int:
        """0: all redriven or nothing to do; 1: a range failed again or cannot be read; 3: backfill."""
        if self.count("failed") or self.count("invalid") or self.count("unreadable"):
            return 1
        if self.count("expired"):
            return 3
        return 0


def _messages(sqs: SQSClient, queue_url: str, limit: int | None, visibility: int) -> Iterator[dict[str, Any]]:
    """Each visible message once: received messages stay hidden for ``visibility`` seconds, and a message seen
    again (its visibility ran out during the run) ends the run instead of looping."""
    seen: set[str] = set()
    while limit is None or len(seen) < limit:
        wanted = 10 if limit is None else max(1, min(10, limit - len(seen)))
        response = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=wanted,
            WaitTimeSeconds=1,
            VisibilityTimeout=visibility,
        )
        batch = response.get("Messages", [])
        fresh = [dict(m) for m in batch if str(m.get("MessageId")) not in seen]
        if not fresh:
            return
        for message in fresh:
            seen.add(str(message.get("MessageId")))
            yield message


def redrive(
    sqs: SQSClient,
    streams: DynamoDBStreamsClient | StreamsClients,
    queue_url: str,
    lake: Lake,
    *,
    now: datetime | None = None,
    max_messages: int | None = None,
    dry_run: bool = False,
    delete_expired: bool = False,
    visibility_timeout: int = 900,
    process: Processor = process_event,
    log: Callable[[str], None] = print,
) -> RedriveSummary:
    """Redrive every message in the queue (each is received once per run: its visibility hides it).

    ``streams`` is a client factory by region (:func:`regional_streams`) or one client; either way each range
    is read in the region of its message's stream ARN. Only a redriven range, or with ``delete_expired`` a
    range certainly past the stream's retention, has its message deleted.
    """
    summary = RedriveSummary()
    kept: list[str] = []
    clock = now or datetime.now(UTC)
    for message in _messages(sqs, queue_url, max_messages, visibility_timeout):
        message_id = str(message.get("MessageId", "?"))
        receipt = str(message["ReceiptHandle"])
        outcome = _redrive_one(
            message_id, str(message.get("Body", "")), streams, lake, clock, dry_run, process
        )
        summary.outcomes.append(outcome)
        log(f"[{outcome.status}] {outcome.detail}")
        delete = (outcome.status == "redriven" and not dry_run) or (
            outcome.status == "expired" and delete_expired
        )
        if delete:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=receipt)
        else:
            kept.append(receipt)
    # Messages left in the queue become visible again now, so the alarm and the next run see them.
    for receipt in kept:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
    return summary


def _redrive_one(
    message_id: str,
    body: str,
    streams: DynamoDBStreamsClient | StreamsClients,
    lake: Lake,
    now: datetime,
    dry_run: bool,
    process: Processor,
) -> Outcome:
    try:
        failed = FailedRange.from_message_body(body)
    except InvalidMessageError as error:
        return Outcome(message_id, "invalid", f"message {message_id}: {error}; left in the queue")
    if is_past_retention(failed, now):
        age = now - failed.first_arrival if failed.first_arrival else timedelta(0)
        return Outcome(
            message_id,
            "expired",
            f"{failed.describe()}: first record arrived {age.total_seconds() / 3600:.1f} h ago, past the "
            f"stream's "
            f"24 h retention; restore the table with the backfill",
            failed,
        )
    try:
        records = read_range(_client_for(streams, failed.region), failed)
    except RangeExpiredError as error:
        return Outcome(
            message_id,
            "expired",
            f"{failed.describe()}: {error}; restore the table with the backfill",
            failed,
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in {"ResourceNotFoundException", "ExpiredIteratorException"}:
            return Outcome(
                message_id,
                "unreadable",
                f"{failed.describe()}: {code} reading {failed.stream_arn} in {failed.region}. Check that your "
                "credentials are for the table's account; if the stream was replaced or turned off, restore "
                "the table with the backfill and delete the message by hand. The message stays in the queue",
                failed,
            )
        return Outcome(
            message_id, "failed", f"{failed.describe()}: could not read the stream: {error}", failed
        )
    except BotoCoreError as error:
        return Outcome(
            message_id, "failed", f"{failed.describe()}: could not read the stream: {error}", failed
        )
    if not records:
        return Outcome(
            message_id,
            "unreadable",
            f"{failed.describe()}: the stream in {failed.region} returned none of these records although "
            "the range is within its 24 h retention; the message stays in the queue",
            failed,
        )
    if dry_run:
        return Outcome(
            message_id,
            "checked",
            f"{failed.describe()}: {len(records)} records readable (dry run)",
            failed,
            len(records),
        )
    try:
        response = process({"Records": records}, lake)
    except (
        Exception
    ) as error:  # the processor's own failure is reported, and the message kept for another try
        return Outcome(
            message_id, "failed", f"{failed.describe()}: the processor raised {error!r}", failed, len(records)
        )
    failures = response.get("batchItemFailures") or []
    if failures:
        first = failures[0].get("itemIdentifier")
        return Outcome(
            message_id,
            "failed",
            f"{failed.describe()}: writing failed again from sequence {first}; "
            "the message stays in the queue",
            failed,
            len(records),
        )
    return Outcome(
        message_id,
        "redriven",
        f"{failed.describe()}: {len(records)} records written to {lake.uri}",
        failed,
        len(records),
    )


def print_summary(summary: RedriveSummary, log: Callable[[str], None] = print) -> None:
    if not summary.outcomes:
        log("The DLQ is empty: nothing to redrive.")
        return
    statuses: tuple[Status, ...] = ("redriven", "checked", "expired", "unreadable", "failed", "invalid")
    parts = [f"{summary.count(s)} {s}" for s in statuses if summary.count(s)]
    log("Redrive finished: " + ", ".join(parts) + ".")
    if summary.expired_tables:
        log(
            "Ranges past the stream's 24 h retention cannot be re-read. "
            "Restore those tables' current state with:"
        )
        for table in summary.expired_tables:
            log(f"  python lambdas/stream_processor/backfill.py --table {table}")
        log(
            "(the raw log keeps both; dbt's latest-event-per-key logic makes the result exact). "
            "Then delete those"
        )
        log("messages with: bash scripts/redrive-dlq.sh --delete-expired")
    if summary.count("failed"):
        log(
            "Some ranges failed again: fix the cause (see the stream processor's logs), "
            "then run the redrive again."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    queue = parser.add_mutually_exclusive_group()
    queue.add_argument("--queue-url", help="the DLQ's URL (default: looked up by --queue-name)")
    queue.add_argument(
        "--queue-name", default=DEFAULT_QUEUE_NAME, help=f"the DLQ's name (default {DEFAULT_QUEUE_NAME})"
    )
    parser.add_argument("--lake", help="s3://<analytics-bucket> or a local folder (default: $PCA_LAKE_URI)")
    parser.add_argument("--max-messages", type=int, default=None, help="stop after this many messages")
    parser.add_argument("--dry-run", action="store_true", help="read the ranges, write and delete nothing")
    parser.add_argument(
        "--delete-expired", action="store_true", help="delete messages whose range is past retention"
    )
    args = parser.parse_args(argv)

    lake_uri = args.lake or os.environ.get("PCA_LAKE_URI")
    if not lake_uri:
        print(
            "redrive: where is the lake? pass --lake s3://<analytics-bucket> or set PCA_LAKE_URI",
            file=sys.stderr,
        )
        return 2
    try:
        sqs = boto3.client("sqs")
        streams = regional_streams()
        queue_url = args.queue_url or sqs.get_queue_url(QueueName=args.queue_name)["QueueUrl"]
        print(f"Redriving {queue_url} into {lake_uri}{' (dry run)' if args.dry_run else ''}")
        summary = redrive(
            sqs,
            streams,
            queue_url,
            Lake.from_uri(lake_uri),
            max_messages=args.max_messages,
            dry_run=args.dry_run,
            delete_expired=args.delete_expired,
        )
    except (ClientError, BotoCoreError) as error:
        print(
            f"redrive: AWS said: {error}. Check your credentials, AWS_REGION and the queue name.",
            file=sys.stderr,
        )
        return 2
    print_summary(summary)
    return summary.exit_code


if __name__ == "__main__":
    sys.exit(main())
