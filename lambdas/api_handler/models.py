"""The chat API's request and response bodies (pydantic), the source of its OpenAPI document.

Every field is described: the descriptions are what the OpenAPI document, the chat site's typed client and
the schema-conformance fuzzing read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_QUESTION_CHARS = 1000
MAX_COMMENT_CHARS = 2000
# Opaque ids the API hands out (uuid4 hex and friends); anything else is a 404 or 422, never a lookup.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"

JsonCell = str | int | float | bool | None | list[Any] | dict[str, Any]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ── Requests ───────────────────────────────────────────────────────────────────────────────────────────────


class ChatRequest(_Model):
    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        description="The question, in plain language (at most 1,000 characters).",
        examples=["How many total calls are in the database?"],
    )
    conversation_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Continue this conversation (its earlier turns reach the answerer); omit to start one.",
    )


class FeedbackRequest(_Model):
    message_id: str = Field(
        pattern=ID_PATTERN, description="The answer being rated (`message_id` of a reply)."
    )
    rating: Literal["up", "down"] = Field(description="Thumbs up (a good answer) or down.")
    comment: str | None = Field(
        default=None, max_length=MAX_COMMENT_CHARS, description="What was right or wrong (optional)."
    )


# ── Chat replies ───────────────────────────────────────────────────────────────────────────────────────────


class ChartSuggestion(_Model):
    kind: Literal["number", "bar", "line", "table"] = Field(
        description="How to draw the rows: one number, a bar chart, a line over time, or only the table."
    )
    x: str | None = Field(default=None, description="Column for the x axis (categories or time).")
    y: list[str] = Field(default_factory=list, description="Numeric column(s) to plot.")


class Provenance(_Model):
    answerer: str = Field(description="Which answerer produced the reply (`verified`, `bedrock-agent`, …).")
    verified_query: str | None = Field(default=None, description="Name of the verified query that answered.")
    verified_question: str | None = Field(default=None, description="The verified query's own question.")
    verified_by: str | None = Field(default=None, description="Who verified that query.")
    verified_at: str | None = Field(default=None, description="When it was verified (ISO date).")
    confidence: float | None = Field(
        default=None, description="Match confidence of the verified answerer (0–1)."
    )


class ChatReply(_Model):
    conversation_id: str = Field(description="The conversation this turn belongs to.")
    message_id: str = Field(description="This answer's id (for feedback).")
    question: str = Field(description="The question as asked.")
    answer: str = Field(description="The answer in plain language (or why there is none).")
    refused: bool = Field(
        description="True when there is no answer; `suggestions` then lists answerable ones."
    )
    sql: str | None = Field(default=None, description="The SQL that ran, as the engine ran it.")
    columns: list[str] = Field(default_factory=list, description="Result column names.")
    rows: list[list[JsonCell]] = Field(
        default_factory=list, description="Result rows (capped, see `truncated`)."
    )
    total_rows: int = Field(description="Rows the query returned before the cap.")
    truncated: bool = Field(description="True when `rows` holds fewer rows than `total_rows`.")
    chart: ChartSuggestion = Field(description="A suggested way to chart the rows.")
    provenance: Provenance = Field(description="Where the answer came from.")
    suggestions: list[str] = Field(default_factory=list, description="Follow-up questions to offer.")
    created_at: str = Field(description="When the answer was made (ISO 8601, UTC).")


class ChatAccepted(_Model):
    job_id: str = Field(description="Poll `GET /chat/{job_id}` for the answer.")
    conversation_id: str = Field(description="The conversation the answer will join.")
    status: Literal["pending"] = Field(description="Always `pending`.")
    retry_after_seconds: int = Field(description="Suggested wait before polling.")


class ChatJob(_Model):
    job_id: str = Field(description="The job.")
    conversation_id: str = Field(description="The conversation the answer joins.")
    status: Literal["pending", "done", "failed"] = Field(description="Where the job stands.")
    reply: ChatReply | None = Field(default=None, description="The answer, once `done`.")
    error: str | None = Field(default=None, description="Why the job failed, when `failed`.")
    created_at: str = Field(description="When the question was asked (ISO 8601, UTC).")
    finished_at: str | None = Field(default=None, description="When the job finished.")


# ── Conversations ──────────────────────────────────────────────────────────────────────────────────────────


class ConversationSummary(_Model):
    conversation_id: str = Field(description="The conversation's id.")
    title: str = Field(description="Its first question (shortened).")
    created_at: str = Field(description="When it started (ISO 8601, UTC).")
    updated_at: str = Field(description="When it last changed.")
    message_count: int = Field(description="Answers in it.")


class ConversationList(_Model):
    conversations: list[ConversationSummary] = Field(description="The caller's conversations, newest first.")


class Conversation(ConversationSummary):
    messages: list[ChatReply] = Field(description="Its turns in order, each with its answer.")


class Deleted(_Model):
    conversation_id: str = Field(description="The conversation that was deleted.")
    deleted: Literal[True] = Field(description="Always true.")


class FeedbackReceipt(_Model):
    message_id: str = Field(description="The rated answer.")
    rating: Literal["up", "down"] = Field(description="The rating stored (a later rating replaces it).")
    recorded_at: str = Field(description="When it was recorded.")


# ── Data dictionary, suggestions, drill-down ────────────────────────────────────────────────────────────────


class ColumnInfo(_Model):
    name: str = Field(description="Column name.")
    data_type: str = Field(description="SQL type.")
    description: str = Field(default="", description="What the column means.")
    unit: str | None = Field(default=None, description="Unit of measure, where it has one.")
    examples: list[JsonCell] = Field(default_factory=list, description="Example values.")
    references: str | None = Field(default=None, description="`table.column` it joins to.")


class TableInfo(_Model):
    name: str = Field(description="Mart name.")
    description: str = Field(default="", description="What one row is and what the table is for.")
    primary_key: list[str] = Field(default_factory=list, description="Columns that identify a row.")
    columns: list[ColumnInfo] = Field(description="Its columns.")


class SchemaResponse(_Model):
    database: str = Field(description="The curated database the tables live in.")
    tables: list[TableInfo] = Field(description="Every curated mart.")


class Suggestions(_Model):
    questions: list[str] = Field(description="Onboarding questions the verified queries answer.")


class TranscriptTurn(_Model):
    participant: str = Field(description="`AGENT` or `CUSTOMER`.")
    text: str = Field(description="What was said.")
    begin_offset_ms: int | None = Field(default=None, description="Start, from the call's start.")
    end_offset_ms: int | None = Field(default=None, description="End, from the call's start.")
    sentiment: str | None = Field(default=None, description="Transcribe's sentiment of the turn.")


class Scorecard(_Model):
    evaluation: dict[str, JsonCell] = Field(description="The curated `scorecards` row.")
    answers: list[dict[str, JsonCell]] = Field(description="Its `scorecard_answers` rows, in form order.")


class CallDetail(_Model):
    call_id: str = Field(description="The call.")
    call: dict[str, JsonCell] = Field(description="The curated `calls` row.")
    insights: list[dict[str, JsonCell]] = Field(
        default_factory=list,
        description="The call's `call_insights` rows (issues, outcomes, action items), in the order of the summary.",
    )
    scorecards: list[Scorecard] = Field(description="Its QA evaluations with their answers.")
    transcript: list[TranscriptTurn] = Field(description="Transcript turns from the Transcribe output.")
    transcript_error: str | None = Field(
        default=None, description="Why the transcript could not be read, when `transcript` is empty."
    )


# ── Errors ─────────────────────────────────────────────────────────────────────────────────────────────────


class Problem(BaseModel):
    """An RFC 9457 problem details body (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong this time, in plain words.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Validation errors, field by field."
    )
