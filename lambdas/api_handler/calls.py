"""The drill-down behind an answer: a call's curated row, its scorecards and answers, and its transcript.

The curated rows come from the marts through the shared SQL guard (Athena in AWS, DuckDB locally); the
transcript is the Transcribe Call Analytics document the call's ``transcript_uri`` names, read from the
existing Transcribe output bucket (read-only, and only under its output prefix).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lambdas.shared.answering.model import json_value
from lambdas.shared.answering.verified import ExecutedQuery
from lambdas.shared.query_engines import sql_string

DATABASE = "post_call_analytics"


class TranscriptUnavailable(Exception):
    """The transcript cannot be read; the message says why (shown to the user)."""


class TranscriptSource(Protocol):
    def read(self, uri: str) -> dict[str, Any]: ...


def split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise TranscriptUnavailable(f"The transcript location {uri!r} is not an s3:// URI.")
    bucket, _, key = uri[5:].partition("/")
    if not bucket or not key:
        raise TranscriptUnavailable(f"The transcript location {uri!r} names no object.")
    return bucket, key


@dataclass
class S3Transcripts:
    """GetObject on the Transcribe output bucket, refusing anything outside ``bucket``/``prefix``."""

    client: Any
    bucket: str
    prefix: str = "analytics/"

    def read(self, uri: str) -> dict[str, Any]:
        bucket, key = split_s3_uri(uri)
        if bucket != self.bucket or not key.startswith(self.prefix) or ".." in key.split("/"):
            raise TranscriptUnavailable(f"The transcript {uri} is outside s3://{self.bucket}/{self.prefix}.")
        try:
            body = self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as error:  # botocore ClientError (NoSuchKey, AccessDenied), endpoint errors
            raise TranscriptUnavailable(f"The transcript {uri} could not be read: {error}") from error
        return _parse(body, uri)


@dataclass
class LocalTranscripts:
    """The embedded run's stand-in for the Transcribe bucket: ``root`` holds the objects by key."""

    root: Path
    prefix: str = "analytics/"

    def read(self, uri: str) -> dict[str, Any]:
        _, key = split_s3_uri(uri)
        root = self.root.resolve()
        path = (root / key).resolve()
        if not key.startswith(self.prefix) or root not in path.parents:
            raise TranscriptUnavailable(f"The transcript {uri} is outside the Transcribe output prefix.")
        if not path.is_file():
            raise TranscriptUnavailable(f"The transcript {uri} does not exist.")
        return _parse(path.read_bytes(), uri)


def _parse(body: bytes, uri: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError as error:
        raise TranscriptUnavailable(f"The transcript {uri} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise TranscriptUnavailable(f"The transcript {uri} is not a Transcribe document.")
    return document


def transcript_turns(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The turns of a Transcribe Call Analytics document (``Transcript``), in order."""
    turns = []
    for turn in document.get("Transcript") or []:
        if not isinstance(turn, dict) or not isinstance(turn.get("Content"), str):
            continue
        turns.append(
            {
                "participant": str(turn.get("ParticipantRole", "UNKNOWN")),
                "text": turn["Content"],
                "begin_offset_ms": _int_or_none(turn.get("BeginOffsetMillis")),
                "end_offset_ms": _int_or_none(turn.get("EndOffsetMillis")),
                "sentiment": turn.get("Sentiment") if isinstance(turn.get("Sentiment"), str) else None,
            }
        )
    return turns


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass
class WarehouseCalls:
    """Reads a call through ``run`` (the guarded runner over the answer engine) and ``transcripts``."""

    run: Callable[[str], ExecutedQuery]
    transcripts: TranscriptSource

    def _records(self, sql: str) -> list[dict[str, Any]]:
        executed = self.run(sql)
        return [
            {column: json_value(value) for column, value in zip(executed.columns, row, strict=True)}
            for row in executed.rows
        ]

    def call_detail(self, call_id: str) -> dict[str, Any] | None:
        key = sql_string(call_id)
        calls = self._records(f"select * from {DATABASE}.calls where call_id = {key}")
        if not calls:
            return None
        call = calls[0]
        evaluations = self._records(
            f"select * from {DATABASE}.scorecards where call_id = {key} order by evaluation_id"
        )
        answers = self._records(
            f"select * from {DATABASE}.scorecard_answers where call_id = {key} "
            "order by evaluation_id, question_position"
        )
        insights = self._records(
            f"select * from {DATABASE}.call_insights where call_id = {key} order by insight_position"
        )
        scorecards = [
            {
                "evaluation": evaluation,
                "answers": [a for a in answers if a.get("evaluation_id") == evaluation.get("evaluation_id")],
            }
            for evaluation in evaluations
        ]
        turns: list[dict[str, Any]] = []
        error: str | None = None
        uri = call.get("transcript_uri")
        if not isinstance(uri, str) or not uri:
            error = "The call has no transcript location."
        else:
            try:
                turns = transcript_turns(self.transcripts.read(uri))
            except TranscriptUnavailable as unavailable:
                error = str(unavailable)
        return {
            "call_id": call_id,
            "call": call,
            "insights": insights,
            "scorecards": scorecards,
            "transcript": turns,
            "transcript_error": error,
        }
