"""Build the API's :class:`~lambdas.api_handler.app.Services` from its parts and the environment.

Settings (environment, read here only):

- ``PCA_CONVERSATIONS_TABLE``       the conversations table (DynamoDB)
- ``PCA_ANSWER_TIMEOUT_SECONDS``    wait this long for an answer before replying 202 (default 25)
- ``PCA_API_REQUESTS_PER_MINUTE``   questions a user may ask per minute (default 30)
- ``PCA_API_MAX_ROWS``              rows in a reply (default 500; the total is always given)
- ``PCA_API_ALLOWED_ORIGIN``        the chat site's origin, the only one CORS allows (unset: no CORS)
- ``PCA_TRANSCRIBE_BUCKET``         the existing Transcribe output bucket; ``PCA_TRANSCRIBE_PREFIX`` its
                                    output prefix (default ``analytics/``)
- ``PCA_ATHENA_WORKGROUP``          the workgroup answers run in (default ``post-call-analytics``)
- the answering settings of :mod:`lambdas.shared.answering.config`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lambdas.api_handler.app import CallReader, JobDispatcher, Services
from lambdas.api_handler.calls import TranscriptSource, WarehouseCalls
from lambdas.api_handler.store import ConversationStore
from lambdas.shared.answering.config import AnsweringConfig
from lambdas.shared.answering.model import Answerer


@dataclass(frozen=True)
class ApiSettings:
    conversations_table: str | None = None
    answer_timeout_seconds: float = 25.0
    requests_per_minute: int = 30
    max_rows: int = 500
    allowed_origin: str | None = None
    transcribe_bucket: str | None = None
    transcribe_prefix: str = "analytics/"
    athena_workgroup: str = "post-call-analytics"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        try:
            return cls(
                conversations_table=env.get("PCA_CONVERSATIONS_TABLE") or None,
                answer_timeout_seconds=float(env.get("PCA_ANSWER_TIMEOUT_SECONDS", "25")),
                requests_per_minute=int(env.get("PCA_API_REQUESTS_PER_MINUTE", "30")),
                max_rows=int(env.get("PCA_API_MAX_ROWS", "500")),
                allowed_origin=env.get("PCA_API_ALLOWED_ORIGIN") or None,
                transcribe_bucket=env.get("PCA_TRANSCRIBE_BUCKET") or None,
                transcribe_prefix=env.get("PCA_TRANSCRIBE_PREFIX") or "analytics/",
                athena_workgroup=env.get("PCA_ATHENA_WORKGROUP") or "post-call-analytics",
            )
        except ValueError as error:
            raise ValueError(f"Invalid API setting: {error}") from error


def load_catalog() -> dict[str, Any]:
    from lambdas.athena_executor.catalog import CATALOG_FILE

    document: dict[str, Any] = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    return document


@functools.cache
def load_onboarding() -> list[str]:
    from lambdas.shared.answering.setup import shared_repository

    specs, _ = shared_repository()
    return [spec.question for spec in specs if spec.onboarding]


def lazy(build: Callable[[], Answerer]) -> Callable[[], Answerer]:
    """``build`` once, on first use, safely from many threads (the engine connects then)."""
    lock = threading.Lock()
    built: list[Answerer] = []

    def get() -> Answerer:
        if not built:
            with lock:
                if not built:
                    built.append(build())
        return built[0]

    return get


def answerer_over(engine: Any, config: AnsweringConfig | None = None) -> Callable[[], Answerer]:
    """The configured answer chain over ``engine`` (``setup.build_answerer``), built on first use."""
    from lambdas.shared.answering.setup import build_answerer

    chosen = config or AnsweringConfig.from_env()
    return lazy(lambda: build_answerer(chosen, engine))


def calls_over(engine: Any, transcripts: TranscriptSource) -> CallReader:
    from lambdas.shared.answering.setup import guarded_runner

    return WarehouseCalls(guarded_runner(engine, max_rows=1000), transcripts)


def build_services(
    settings: ApiSettings,
    *,
    store: ConversationStore,
    answerer: Callable[[], Answerer],
    dispatcher: JobDispatcher,
    calls: CallReader,
) -> Services:
    return Services(
        store=store,
        answerer=answerer,
        dispatcher=dispatcher,
        catalog=load_catalog,
        onboarding=load_onboarding,
        calls=calls,
        answer_timeout_seconds=settings.answer_timeout_seconds,
        requests_per_minute=settings.requests_per_minute,
        max_rows=settings.max_rows,
        allowed_origin=settings.allowed_origin,
    )


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
